package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ws/dashboard} as the dashboard opens it: the session cookie, the Origin of the page, a
 * subscribe by project UUID. A foreign Origin is refused before anything else (at the handshake:
 * 403), a cookie without Origin in production is 4403, no session is 4401, a project the user is not
 * a member of is 4403; the Host header may be anything (a proxy's).
 */
class DashboardCookieTest {
    static final String PUBLIC = "https://z4j.example.com";
    @TempDir
    static Path home;
    static BrainFixture brain;
    static String cookie;
    static String viewerCookie;
    static String defaultId;
    static String otherId;

    @BeforeAll
    static void setUp() throws Exception {
        Map<String, String> env = new HashMap<>(OperatorClient.FAST);
        env.put("Z4J_PUBLIC_URL", PUBLIC);
        env.put("Z4J_ALLOWED_ORIGINS", "http://localhost:5173");
        env.remove("Z4J_ENVIRONMENT"); // production rules for the Origin
        env.put("Z4J_ENVIRONMENT", "production");
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, env);
        // production cookies are Secure, so read them from the Set-Cookie header instead of a jar
        cookie = sessionCookie("admin@example.com", OperatorClient.ADMIN_PASSWORD());
        OperatorClient admin = OperatorClient.withKey(brain.port(), brain.adminKey());
        defaultId = json(admin.get("/api/v1/projects/default")).get("id").asText();
        otherId = json(admin.post("/api/v1/projects", "{\"slug\":\"other\",\"name\":\"Other\"}")).get("id").asText();
        String viewer = json(admin.post("/api/v1/users", "{\"email\":\"v@example.com\",\"password\":\"V1ewer-Passw0rd\"}"))
                .get("id").asText();
        admin.post("/api/v1/projects/default/memberships", "{\"user_id\":\"" + viewer + "\",\"role\":\"viewer\"}");
        viewerCookie = sessionCookie("v@example.com", "V1ewer-Passw0rd");
    }

    private static String sessionCookie(String email, String password) throws Exception {
        var r = OperatorClient.anonymous(brain.port()).post("/api/v1/auth/login",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        String set = r.headers().allValues("Set-Cookie").stream().filter(s -> s.startsWith("__Host-z4j_session="))
                .findFirst().orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    @AfterAll
    static void tearDown() {
        brain.close();
    }

    private static int closeCode(DashboardClient c) throws Exception {
        return c.closed().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSessionCookieFromOurOriginSubscribesByProjectUuid() throws Exception {
        try (DashboardClient c = DashboardClient.openWith(brain.port(), Map.of("Cookie", cookie, "Origin", PUBLIC))) {
            c.subscribe(defaultId);
            await().atMost(Duration.ofSeconds(5)).until(c::ready);
            c.send("{\"type\":\"ping\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> c.received().stream()
                    .anyMatch(m -> "pong".equals(m.path("type").asText())));
            // a change in the project reaches the socket as {"type":"event","topic":...}
            var agent = brain.newAgent("watched").connect(brain.port()).handshake();
            await().atMost(Duration.ofSeconds(5)).until(() -> c.received().stream()
                    .anyMatch(m -> "event".equals(m.path("type").asText())
                            && "agent.changed".equals(m.path("topic").asText())));
            agent.close();
        }
        // an extra allowed origin (a dev server) works the same
        try (DashboardClient c = DashboardClient.openWith(brain.port(),
                Map.of("Cookie", cookie, "Origin", "http://localhost:5173"))) {
            c.subscribe(defaultId);
            await().atMost(Duration.ofSeconds(5)).until(c::ready);
        }
    }

    @Test
    void aForeignOriginIsRefusedEvenWithAValidSession() throws Exception {
        java.net.http.WebSocketHandshakeException refused = (java.net.http.WebSocketHandshakeException)
                org.assertj.core.api.Assertions.catchThrowable(() -> DashboardClient.openWith(brain.port(),
                        Map.of("Cookie", cookie, "Origin", "https://evil.example.net"))).getCause();
        assertThat(refused.getResponse().statusCode()).isEqualTo(403);
        // an API key does not make a foreign page's socket acceptable either
        double before = brain.metric("z4j_dashboard_origin_refused_total");
        java.net.http.WebSocketHandshakeException withKey = (java.net.http.WebSocketHandshakeException)
                org.assertj.core.api.Assertions.catchThrowable(() -> DashboardClient.openWith(brain.port(),
                        Map.of("Authorization", "Bearer " + brain.adminKey(), "Origin", "https://evil.example.net")))
                        .getCause();
        assertThat(withKey.getResponse().statusCode()).isEqualTo(403);
        assertThat(brain.metric("z4j_dashboard_origin_refused_total")).isEqualTo(before + 1);
        // production: a cookie without any Origin is refused too
        try (DashboardClient c = DashboardClient.openWith(brain.port(), Map.of("Cookie", cookie))) {
            assertThat(closeCode(c)).isEqualTo(4403);
        }
    }

    /** Behind a proxy the Host is the proxy's upstream name; only the Origin decides. */
    @Test
    void anyHostHeaderIsAcceptedWithOurOrigin() throws Exception {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), brain.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /ws/dashboard HTTP/1.1\r\nHost: brain-upstream.internal:7700\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " + PUBLIC + "\r\nCookie: " + cookie
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 101 Switching Protocols");
        }
    }

    @Test
    void noSessionIs4401AndANonMemberProjectIs4403() throws Exception {
        try (DashboardClient c = DashboardClient.openWith(brain.port(),
                Map.of("Cookie", "__Host-z4j_session=forged", "Origin", PUBLIC))) {
            assertThat(closeCode(c)).isEqualTo(4401);
        }
        try (DashboardClient c = DashboardClient.openWith(brain.port(), Map.of("Cookie", viewerCookie, "Origin", PUBLIC))) {
            c.subscribe(otherId);
            assertThat(closeCode(c)).isEqualTo(4403);
        }
        try (DashboardClient c = DashboardClient.openWith(brain.port(), Map.of("Cookie", viewerCookie, "Origin", PUBLIC))) {
            c.subscribe(defaultId);
            await().atMost(Duration.ofSeconds(5)).until(c::ready);
        }
    }
}
