package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mutation leaves exactly one audit row naming the actor, the address and the outcome. */
class AuditTrailTest {
    @TempDir
    Path home;

    @Test
    void eachMutationIsRecordedWithActorAddressAndResult() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST)) {
            OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            String adminId = json(admin.get("/api/v1/auth/me")).get("id").asText();
            String agent = json(admin.post("/api/v1/projects/default/agents", "{\"name\":\"a1\"}")).get("agent_id").asText();
            admin.post("/api/v1/projects/default/agents", "{\"name\":\"a1\"}"); // duplicate: a refused attempt
            admin.delete("/api/v1/projects/default/agents/" + agent);
            admin.post("/api/v1/projects", "{\"slug\":\"p2\",\"name\":\"P2\"}");
            admin.patch("/api/v1/projects/p2", "{\"name\":\"P two\"}");
            String user = json(admin.post("/api/v1/users", "{\"email\":\"u@example.com\",\"password\":\"Us3r-Password\"}"))
                    .get("id").asText();
            admin.patch("/api/v1/users/" + user, "{\"timezone\":\"Europe/Berlin\"}");
            admin.post("/api/v1/users/" + user + "/password", "{\"new_password\":\"Us3r-Password-2\"}");
            String membership = json(admin.post("/api/v1/projects/default/memberships",
                    "{\"user_id\":\"" + user + "\",\"role\":\"viewer\"}")).get("id").asText();
            admin.patch("/api/v1/projects/default/memberships/" + membership, "{\"role\":\"operator\"}");
            admin.delete("/api/v1/projects/default/memberships/" + membership);
            String key = json(admin.post("/api/v1/api-keys", "{\"name\":\"k\",\"scopes\":[\"tasks:read\"]}")).get("id").asText();
            admin.delete("/api/v1/api-keys/" + key);
            admin.delete("/api/v1/users/" + user);
            admin.delete("/api/v1/projects/p2");
            admin.patch("/api/v1/auth/me", "{\"last_name\":\"Lovelace\"}");
            admin.post("/api/v1/auth/logout", null);

            List<String> rows = new ArrayList<>();
            try (var c = BrainFixture.jdbc(brain.env); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT action, result, user_id, source_ip FROM audit_log"
                         + " WHERE action <> 'auth.login' ORDER BY occurred_at, id")) {
                while (rs.next()) {
                    assertThat(rs.getString("user_id")).as(rs.getString("action")).isEqualTo(adminId);
                    assertThat(rs.getString("source_ip")).isEqualTo("127.0.0.1");
                    rows.add(rs.getString("action") + ":" + rs.getString("result"));
                }
            }
            assertThat(rows).containsExactlyInAnyOrder(
                    "agent.token.minted:success", "agent.token.minted:failure", "agent.token.revoked:success",
                    "project.created:success", "project.updated:success", "user.created:success",
                    "user.updated:success", "user.password_set:success", "membership.created:success",
                    "membership.updated:success", "membership.deleted:success", "api_key.created:success",
                    "api_key.revoked:success", "user.deleted:success", "project.archived:success",
                    "user.profile_updated:success", "auth.logout:success");
            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND result = 'success'"
                    + " AND user_id = '" + adminId + "'")).isOne();
            // the project-scoped rows are what the project's audit page lists
            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action LIKE 'agent.token.%'"
                    + " AND project_id IS NOT NULL")).isEqualTo(3);
        }
    }
}
