package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a script does with curl and a cookie jar, in plain HTTP calls: log in, read the profile
 * and projects, mint an agent, see it listed, revoke it, log out; every mutation carries the CSRF
 * header copied from the cookie, and every step leaves an audit row.
 */
class CookieJarFlowTest {
    @TempDir
    Path home;

    @Test
    void loginMeProjectsMintRevokeLogout() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST)) {
            OperatorClient browser = OperatorClient.login(brain.port(), "admin@example.com",
                    OperatorClient.ADMIN_PASSWORD());
            assertThat(browser.cookie("z4j_session")).isNotBlank();
            assertThat(browser.cookie("z4j_csrf")).hasSize(43);

            JsonNode me = OperatorClient.json(browser.get("/api/v1/auth/me"));
            assertThat(me.get("email").asText()).isEqualTo("admin@example.com");
            assertThat(me.get("is_admin").asBoolean()).isTrue();
            assertThat(me.get("memberships")).hasSize(1);
            assertThat(me.get("memberships").get(0).get("project_slug").asText()).isEqualTo("default");

            JsonNode projects = OperatorClient.json(browser.get("/api/v1/projects"));
            assertThat(projects).hasSize(1);
            assertThat(projects.get(0).get("id").asText()).isEqualTo(me.get("memberships").get(0).get("project_id").asText());

            HttpResponse<String> minted = browser.post("/api/v1/projects/default/agents", "{\"name\":\"  web-1 \"}");
            assertThat(minted.statusCode()).isEqualTo(201);
            JsonNode m = OperatorClient.json(minted);
            assertThat(m.get("agent").get("name").asText()).isEqualTo("web-1");
            assertThat(m.get("agent").get("state").asText()).isEqualTo("unknown");
            assertThat(m.get("token").asText()).hasSize(43);
            assertThat(m.get("hmac_secret").asText()).isNotBlank();
            String agentId = m.get("agent").get("id").asText();

            JsonNode agents = OperatorClient.json(browser.get("/api/v1/projects/default/agents"));
            assertThat(agents).hasSize(1);
            assertThat(agents.get(0).get("id").asText()).isEqualTo(agentId);

            assertThat(browser.delete("/api/v1/projects/default/agents/" + agentId).statusCode()).isEqualTo(204);
            assertThat(OperatorClient.json(browser.get("/api/v1/projects/default/agents"))).isEmpty();
            assertThat(browser.delete("/api/v1/projects/default/agents/" + agentId).statusCode()).isEqualTo(404);

            assertThat(browser.post("/api/v1/auth/logout", null).statusCode()).isEqualTo(204);
            assertThat(browser.get("/api/v1/auth/me").statusCode()).isEqualTo(401);

            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action IN "
                    + "('auth.login','agent.token.minted','agent.token.revoked','auth.logout') AND result = 'success'"))
                    .isEqualTo(4);
        }
    }
}
