package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing passwords: every failure looks the same (401 invalid_credentials), one address gets 20
 * attempts a minute, an account locks after N failures (even the right password is refused then),
 * every attempt is audited, and production cookies carry the __Host- names and flags.
 */
class LoginDefenceTest {
    @TempDir
    Path home;

    private static String login(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    @Test
    void failuresLookAlikeAndTheAddressIsThrottled() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST)) {
            OperatorClient c = OperatorClient.anonymous(brain.port());
            HttpResponse<String> unknown = c.post("/api/v1/auth/login", login("nobody@example.com", "whatever"));
            HttpResponse<String> wrong = c.post("/api/v1/auth/login", login("admin@example.com", "wrong-password"));
            for (HttpResponse<String> r : List.of(unknown, wrong)) {
                assertThat(r.statusCode()).isEqualTo(401);
                JsonNode e = json(r);
                assertThat(e.get("error").asText()).isEqualTo("unauthenticated");
                assertThat(e.get("message").asText()).isEqualTo("invalid_credentials");
                assertThat(e.get("details").toString()).isEqualTo("{\"reason\":\"invalid_credentials\"}");
            }
            for (int i = 2; i < 20; i++) {
                assertThat(c.post("/api/v1/auth/login", login("nobody@example.com", "x")).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> throttled = c.post("/api/v1/auth/login", login("admin@example.com",
                    OperatorClient.ADMIN_PASSWORD()));
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(json(throttled).get("error").asText()).isEqualTo("rate_limited");
            assertThat(json(throttled).get("message").asText()).contains("(login)");
            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND result = 'failure'"
                    + " AND source_ip = '127.0.0.1'")).isEqualTo(20);
            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND result = 'success'"))
                    .isZero();
        }
    }

    @Test
    void anAccountLocksAfterRepeatedFailures() throws Exception {
        Map<String, String> env = new HashMap<>(OperatorClient.FAST);
        env.put("Z4J_LOGIN_LOCKOUT_THRESHOLD", "3");
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, env)) {
            OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            assertThat(admin.post("/api/v1/users", "{\"email\":\"victim@example.com\",\"password\":\"Vict1m-Passw0rd\"}")
                    .statusCode()).isEqualTo(201);
            OperatorClient c = OperatorClient.anonymous(brain.port());
            for (int i = 0; i < 3; i++) {
                assertThat(c.post("/api/v1/auth/login", login("victim@example.com", "guess-" + i)).statusCode()).isEqualTo(401);
            }
            // locked: the right password is refused exactly like a wrong one
            HttpResponse<String> locked = c.post("/api/v1/auth/login", login("victim@example.com", "Vict1m-Passw0rd"));
            assertThat(locked.statusCode()).isEqualTo(401);
            assertThat(json(locked).get("message").asText()).isEqualTo("invalid_credentials");
            assertThat(brain.count("SELECT count(*) FROM users WHERE email = 'victim@example.com' AND locked_until IS NOT NULL"))
                    .isOne();
            assertThat(brain.text("SELECT metadata FROM audit_log WHERE action = 'auth.login' ORDER BY occurred_at DESC LIMIT 1"))
                    .contains("locked");
            // other accounts are not affected
            assertThat(c.post("/api/v1/auth/login", login("admin@example.com", OperatorClient.ADMIN_PASSWORD())).statusCode())
                    .isEqualTo(200);
            // once the lock has passed, the right password works and clears the count
            try (var conn = BrainFixture.jdbc(brain.env); var s = conn.createStatement()) {
                s.executeUpdate("UPDATE users SET locked_until = " + (System.currentTimeMillis() - 1000) * 1000
                        + " WHERE email = 'victim@example.com'");
            }
            assertThat(c.post("/api/v1/auth/login", login("victim@example.com", "Vict1m-Passw0rd")).statusCode())
                    .isEqualTo(200);
            assertThat(brain.count("SELECT count(*) FROM users WHERE email = 'victim@example.com' AND locked_until IS NULL"
                    + " AND failed_login_count = 0 AND last_login_at IS NOT NULL")).isOne();
        }
    }

    @Test
    void productionCookiesAreHostPrefixedSecureAndStrictForCsrf() throws Exception {
        Map<String, String> env = new HashMap<>(OperatorClient.FAST);
        env.remove("Z4J_ENVIRONMENT");
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, env)) {
            HttpResponse<String> r = OperatorClient.anonymous(brain.port()).post("/api/v1/auth/login",
                    login("admin@example.com", OperatorClient.ADMIN_PASSWORD()));
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> cookies = r.headers().allValues("Set-Cookie");
            String session = cookies.stream().filter(s -> s.startsWith("__Host-z4j_session=")).findFirst().orElseThrow();
            String csrf = cookies.stream().filter(s -> s.startsWith("__Host-z4j_csrf=")).findFirst().orElseThrow();
            assertThat(session).contains("HttpOnly").contains("Secure").contains("Path=/").containsIgnoringCase("SameSite=Lax")
                    .contains("Max-Age=604800").doesNotContain("Domain");
            assertThat(csrf).doesNotContain("HttpOnly").contains("Secure").containsIgnoringCase("SameSite=Strict")
                    .contains("Max-Age=604800");
            assertThat(csrf.substring("__Host-z4j_csrf=".length(), csrf.indexOf(';'))).hasSize(43);
        }
    }
}
