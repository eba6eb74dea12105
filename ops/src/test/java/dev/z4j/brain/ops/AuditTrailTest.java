package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    /**
     * Typed commands and bulk delete: one row per call that passed the role check, success with the
     * command or the count, failure with the refusal; the bulk actions share a throttle of 10 a
     * minute per address, and a throttled call changes nothing and records nothing.
     */
    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void typedCommandsAndBulkDeleteAreRecordedAndBulkActionsThrottled(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, OperatorClient.FAST);
             TestAgent agent = brain.newAgent("audited").connect(brain.port()).handshake()) {
            OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            String adminId = json(admin.get("/api/v1/auth/me")).get("id").asText();
            String p = "/api/v1/projects/default";
            String a = "{\"agent_id\":\"" + agent.agentId + "\",";
            List<String[]> calls = List.of(
                    new String[] {"retry-task", a + "\"engine\":\"celery\",\"task_id\":\"t1\"}"},
                    new String[] {"cancel-task", a + "\"engine\":\"celery\",\"task_id\":\"t1\"}"},
                    new String[] {"bulk-retry", a + "\"filter\":{\"state\":\"failure\"}}"},
                    new String[] {"purge-queue", a + "\"queue\":\"q\",\"force\":true}"},
                    new String[] {"restart-worker", a + "\"worker_name\":\"w\"}"},
                    new String[] {"pool-resize", a + "\"worker_name\":\"w\",\"delta\":-2}"},
                    new String[] {"add-consumer", a + "\"worker_name\":\"w\",\"queue\":\"q\"}"},
                    new String[] {"cancel-consumer", a + "\"worker_name\":\"w\",\"queue\":\"q\"}"},
                    new String[] {"rate-limit", a + "\"task_name\":\"t\",\"rate\":\"5/s\"}"});
            for (String[] c : calls) {
                var res = admin.post(p + "/commands/" + c[0], c[1]);
                assertThat(res.statusCode()).as(c[0] + " " + res.body()).isEqualTo(202);
            }
            var unknownAgent = admin.post(p + "/commands/retry-task", "{\"agent_id\":\"00000000-0000-4000-8000-000000000000\","
                    + "\"engine\":\"celery\",\"task_id\":\"t1\"}");
            assertThat(unknownAgent.statusCode()).isEqualTo(404);
            String ids = "{\"task_ids\":[\"00000000-0000-4000-8000-000000000000\"]}";
            assertThat(admin.post(p + "/tasks/bulk-delete", ids).statusCode()).isEqualTo(200);
            assertThat(admin.post(p + "/tasks/bulk-delete", "{}").statusCode()).isEqualTo(422);

            List<String> rows = new ArrayList<>();
            try (var c = BrainFixture.jdbc(brain.env); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT action, result, user_id, source_ip, project_id, target_type, metadata"
                         + " FROM audit_log WHERE action LIKE 'command.%' OR action LIKE 'tasks.%' ORDER BY occurred_at, id")) {
                while (rs.next()) {
                    String what = rs.getString("action") + ":" + rs.getString("result");
                    assertThat(rs.getString("user_id")).as(what).isEqualTo(adminId);
                    assertThat(rs.getString("source_ip")).as(what).isEqualTo("127.0.0.1");
                    assertThat(rs.getString("project_id")).as(what).isNotNull();
                    assertThat(rs.getString("target_type")).as(what).isNotBlank();
                    if (rs.getString("action").startsWith("command.") && rs.getString("result").equals("success")) {
                        assertThat(rs.getString("metadata")).as(what).contains("command_id", agent.agentId);
                    }
                    rows.add(what);
                }
            }
            assertThat(rows).containsExactlyInAnyOrder("command.issue.retry_task:success",
                    "command.issue.cancel_task:success", "command.issue.bulk_retry:success",
                    "command.issue.purge_queue:success", "command.issue.restart_worker:success",
                    "command.issue.pool_shrink:success", "command.issue.add_consumer:success",
                    "command.issue.cancel_consumer:success", "command.issue.rate_limit:success",
                    "command.issue.retry_task:failure", "tasks.bulk_delete:success", "tasks.bulk_delete:failure");

            // 4 bulk calls so far (bulk-retry, purge-queue, two bulk deletes): 6 more pass, the 11th is refused
            for (int i = 0; i < 6; i++) {
                assertThat(admin.post(p + "/tasks/bulk-delete", ids).statusCode()).as("bulk call %d", 5 + i).isEqualTo(200);
            }
            var throttled = admin.post(p + "/commands/purge-queue", a + "\"queue\":\"q\",\"force\":true}");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(json(throttled).get("error").asText()).isEqualTo("rate_limited");
            assertThat(json(throttled).get("request_id").asText()).isNotBlank();
            assertThat(brain.count("SELECT count(*) FROM commands WHERE action = 'purge_queue'")).isOne();
            assertThat(brain.count("SELECT count(*) FROM audit_log WHERE action = 'command.issue.purge_queue'")).isOne();
            // a single command is no bulk action
            assertThat(admin.post(p + "/commands/" + calls.get(0)[0], calls.get(0)[1]).statusCode()).isEqualTo(202);
        }
    }
}
