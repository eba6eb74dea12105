package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First run without Z4J_BOOTSTRAP_ADMIN_*: the start mints a one-time setup token, /setup serves
 * the form, /setup/complete turns the token into the first admin (signed in, project default as
 * admin, the installation key adopted), and then the window is closed for good.
 */
class SetupFlowTest {
    @TempDir
    Path home;

    @Test
    void theSetupTokenMakesTheFirstAdminOnce() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(OperatorClient.FAST);
        env.remove("Z4J_BOOTSTRAP_ADMIN_EMAIL");
        env.remove("Z4J_BOOTSTRAP_ADMIN_PASSWORD");
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, env)) {
            String token = brain.brain().setupToken().orElseThrow();
            OperatorClient browser = OperatorClient.anonymous(brain.port());
            assertThat(json(browser.get("/api/v1/setup/status")).toString()).isEqualTo("{\"first_boot\":true}");
            HttpResponse<String> page = browser.get("/setup?token=" + token);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/api/v1/setup/complete");

            HttpResponse<String> wrong = browser.post("/api/v1/setup/complete", body("x".repeat(43), "Sup3r-Admin-Pass"));
            assertThat(wrong.statusCode()).isEqualTo(404);
            assertThat(json(wrong).get("details").get("reason").asText()).isEqualTo("invalid_token");
            HttpResponse<String> weak = browser.post("/api/v1/setup/complete", body(token, "weakpassword"));
            assertThat(weak.statusCode()).isEqualTo(422);
            assertThat(json(weak).get("details").get("field").asText()).isEqualTo("password");

            HttpResponse<String> done = browser.post("/api/v1/setup/complete", body(token, "Sup3r-Admin-Pass"));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            JsonNode d = json(done);
            assertThat(d.get("user").get("is_admin").asBoolean()).isTrue();
            assertThat(d.get("user").get("display_name").asText()).isEqualTo("Root");
            // signed in by the answer's cookies, admin of project default
            JsonNode me = json(browser.get("/api/v1/auth/me"));
            assertThat(me.get("email").asText()).isEqualTo("root@example.com");
            assertThat(me.get("memberships").get(0).get("project_id").asText()).isEqualTo(d.get("project_id").asText());
            assertThat(brain.count("SELECT count(*) FROM memberships WHERE role = 'admin'")).isOne();
            // the key printed at first start now belongs to the first admin
            assertThat(brain.count("SELECT count(*) FROM api_keys WHERE user_id IS NULL")).isZero();
            assertThat(OperatorClient.withKey(brain.port(), brain.adminKey()).get("/api/v1/users").statusCode())
                    .isEqualTo(200);

            // the window is closed
            assertThat(OperatorClient.anonymous(brain.port()).get("/api/v1/setup/status").statusCode()).isEqualTo(401);
            assertThat(json(browser.get("/api/v1/setup/status")).toString()).isEqualTo("{\"first_boot\":false}");
            assertThat(browser.get("/setup?token=" + token).statusCode()).isEqualTo(404);
            assertThat(OperatorClient.anonymous(brain.port()).post("/api/v1/setup/complete", body(token, "Sup3r-Admin-Pass"))
                    .statusCode()).isEqualTo(409);
            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action = 'setup.complete' AND result = 'success'"))
                    .isOne();
        }
    }

    private static String body(String token, String password) {
        return "{\"token\":\"" + token + "\",\"email\":\"Root@Example.com\",\"display_name\":\"Root\",\"password\":\""
                + password + "\"}";
    }
}
