package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.JsonShape.*;
import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the JSON of every operator endpoint this brain serves (keys, types, nulls, arrays never
 * null, status codes), on SQLite and on PostgreSQL: what the original dashboard and scripts
 * written against the original API read.
 */
class OperatorContractTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void everyEndpointAnswersItsShape(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, OperatorClient.FAST)) {
            int port = brain.port();
            OperatorClient anon = OperatorClient.anonymous(port);

            // ---- public
            assertThat(json(anon.get("/api/v1/health")).toString()).isEqualTo("{\"status\":\"ok\"}");
            HttpResponse<String> ready = anon.get("/api/v1/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(json(ready).get("status").asText()).isEqualTo("ready");
            assertShape(json(anon.get("/api/v1/auth/policy")),
                    "min_length:int, required_character_classes:int, character_class_names:array");
            assertThat(json(anon.get("/api/v1/auth/policy")).get("min_length").asInt()).isEqualTo(12);
            HttpResponse<String> status = anon.get("/api/v1/setup/status");
            assertThat(status.statusCode()).isEqualTo(401); // provisioned: anonymous callers learn nothing
            assertShape(json(status), ERROR);

            // ---- login, me, sessions
            HttpResponse<String> login = anon.post("/api/v1/auth/login", "{\"email\":\"ADMIN@example.com\","
                    + "\"password\":\"" + OperatorClient.ADMIN_PASSWORD() + "\"}");
            assertThat(login.statusCode()).isEqualTo(200);
            assertShape(json(login), "user:object, mfa_required:bool");
            assertShape(json(login).get("user"), USER_PUBLIC);
            OperatorClient admin = anon;
            JsonNode me = json(admin.get("/api/v1/auth/me"));
            assertShape(me, USER_ME);
            assertShape(me.get("memberships").get(0), MEMBERSHIP_REF);
            assertThat(me.get("display_name").asText()).isEqualTo("admin"); // the email's local part
            assertThat(json(admin.get("/api/v1/setup/status")).toString()).isEqualTo("{\"first_boot\":false}");
            JsonNode patched = json(admin.patch("/api/v1/auth/me", "{\"first_name\":\"Ada\",\"timezone\":\"Europe/Paris\"}"));
            assertShape(patched, USER_ME);
            assertThat(patched.get("display_name").asText()).isEqualTo("Ada");
            JsonNode sessions = json(admin.get("/api/v1/auth/sessions"));
            assertThat(sessions).hasSize(1);
            assertShape(sessions.get(0), SESSION);
            assertThat(sessions.get(0).get("is_current").asBoolean()).isTrue();

            // ---- projects
            JsonNode projects = json(admin.get("/api/v1/projects"));
            assertThat(projects.isArray()).isTrue();
            assertShape(projects.get(0), PROJECT);
            assertShape(json(admin.get("/api/v1/projects/default")), PROJECT);
            HttpResponse<String> created = admin.post("/api/v1/projects",
                    "{\"slug\":\"shop\",\"name\":\"Shop\",\"allowed_schedulers\":[\"celery-beat\"]}");
            assertThat(created.statusCode()).isEqualTo(201);
            assertShape(json(created), PROJECT);
            assertThat(json(created).get("allowed_schedulers").get(0).asText()).isEqualTo("celery-beat");
            JsonNode renamed = json(admin.patch("/api/v1/projects/shop", "{\"slug\":\"store\",\"retention_days\":7}"));
            assertShape(renamed, PROJECT);
            assertThat(renamed.get("slug").asText()).isEqualTo("store");
            assertThat(admin.post("/api/v1/projects", "{\"slug\":\"store\",\"name\":\"again\"}").statusCode())
                    .isEqualTo(409);

            // ---- agents
            HttpResponse<String> minted = admin.post("/api/v1/projects/store/agents", "{\"name\":\"w1\"}");
            assertThat(minted.statusCode()).isEqualTo(201);
            JsonNode m = json(minted);
            assertShape(m, "agent:object, token:string, hmac_secret:string, agent_id:uuid, project_id:uuid, "
                    + "project:string, name:string");
            assertShape(m.get("agent"), AGENT);
            assertThat(m.get("agent").get("protocol_version").asText()).isEqualTo("0");
            assertThat(m.get("agent").get("framework_adapter").asText()).isEqualTo("unknown");
            JsonNode agents = json(admin.get("/api/v1/projects/store/agents"));
            assertShape(agents.get(0), AGENT);
            HttpResponse<String> dup = admin.post("/api/v1/projects/store/agents", "{\"name\":\"w1\"}");
            assertThat(dup.statusCode()).isEqualTo(409);
            assertShape(json(dup), ERROR);
            assertThat(json(dup).get("details").get("name").asText()).isEqualTo("w1");

            // ---- users and memberships
            HttpResponse<String> user = admin.post("/api/v1/users", "{\"email\":\"ops@example.com\","
                    + "\"password\":\"Op3rator-Pass!\",\"first_name\":\"Op\"}");
            assertThat(user.statusCode()).isEqualTo(201);
            assertShape(json(user), USER_ADMIN);
            String userId = json(user).get("id").asText();
            assertShape(json(admin.get("/api/v1/users")).get(0), USER_ADMIN);
            assertShape(json(admin.get("/api/v1/users/" + userId)), USER_ADMIN);
            assertShape(json(admin.patch("/api/v1/users/" + userId, "{\"display_name\":\"Ops\"}")), USER_ADMIN);
            assertThat(admin.post("/api/v1/users/" + userId + "/password", "{\"new_password\":\"N3w-Passw0rd!!\"}")
                    .statusCode()).isEqualTo(204);
            HttpResponse<String> member = admin.post("/api/v1/projects/store/memberships",
                    "{\"user_id\":\"" + userId + "\",\"role\":\"viewer\"}");
            assertThat(member.statusCode()).isEqualTo(201);
            assertShape(json(member), MEMBERSHIP);
            String membershipId = json(member).get("id").asText();
            assertShape(json(admin.get("/api/v1/projects/store/memberships")).get(0), MEMBERSHIP);
            JsonNode promoted = json(admin.patch("/api/v1/projects/store/memberships/" + membershipId,
                    "{\"role\":\"operator\"}"));
            assertShape(promoted, MEMBERSHIP);
            assertThat(promoted.get("role").asText()).isEqualTo("operator");
            OperatorClient ops = OperatorClient.login(port, "ops@example.com", "N3w-Passw0rd!!");
            JsonNode opsMe = json(ops.get("/api/v1/auth/me"));
            assertThat(opsMe.get("memberships")).hasSize(1);
            assertThat(opsMe.get("memberships").get(0).get("role").asText()).isEqualTo("operator");
            assertThat(json(ops.get("/api/v1/projects"))).hasSize(1);

            // ---- api keys
            JsonNode scopes = json(admin.get("/api/v1/api-keys/scopes"));
            assertShape(scopes, "scopes:array, admin_only:array");
            assertThat(scopes.get("scopes")).hasSize(21);
            HttpResponse<String> key = admin.post("/api/v1/api-keys", "{\"name\":\"ci\",\"scopes\":[\"tasks:read\"],"
                    + "\"expires_in_days\":30}");
            assertThat(key.statusCode()).isEqualTo(201);
            assertShape(json(key), API_KEY + ", token:string");
            assertThat(json(key).get("token").asText()).startsWith("z4k_").hasSize(47);
            assertThat(json(key).get("prefix").asText()).isEqualTo(json(key).get("token").asText().substring(0, 8));
            JsonNode keys = json(admin.get("/api/v1/api-keys"));
            assertThat(keys).isNotEmpty();
            keys.forEach(k -> assertShape(k, API_KEY));
            HttpResponse<String> rejected = admin.post("/api/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"tasks:fly\"]}");
            assertThat(rejected.statusCode()).isEqualTo(409);
            assertThat(json(rejected).get("details").get("rejected_scopes").get(0).asText()).isEqualTo("tasks:fly");
            assertThat(admin.delete("/api/v1/api-keys/" + json(key).get("id").asText()).statusCode()).isEqualTo(204);

            // ---- audit (page and exports)
            JsonNode page = json(admin.get("/api/v1/projects/store/audit?limit=2"));
            assertShape(page, "items:array, next_cursor:string?");
            assertThat(page.get("items")).hasSize(2);
            page.get("items").forEach(a -> assertShape(a, AUDIT));
            JsonNode next = json(admin.get("/api/v1/projects/store/audit?limit=2&cursor=" + page.get("next_cursor").asText()));
            assertThat(next.get("items").get(0).get("id").asText())
                    .isNotEqualTo(page.get("items").get(1).get("id").asText());
            HttpResponse<String> csv = admin.get("/api/v1/projects/store/audit?format=csv&fields=action,result");
            assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"z4j-audit-store.csv\"");
            assertThat(csv.body()).startsWith("action,result\r\n").contains("agent.token.minted,success");
            assertThat(json(admin.get("/api/v1/projects/store/audit?format=json")).get(0).has("metadata")).isTrue();
            HttpResponse<byte[]> xlsx = admin.http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/projects/store/audit?format=xlsx")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(sheet(xlsx.body())).contains("agent.token.minted");

            // ---- small endpoints
            assertShape(json(admin.get("/api/v1/health/system")), "z4j_version:string, java_version:string, database_type:string");
            assertThat(json(admin.get("/api/v1/user/notifications/unread-count")).toString()).isEqualTo("{\"unread\":0}");
            assertThat(json(admin.get("/api/v1/user/notifications?limit=20")).toString()).isEqualTo("[]");
            assertShape(json(admin.post("/api/v1/dashboard/ticket", null)), "ticket:string, expires_in_seconds:int");

            // ---- deletes and logout
            assertThat(admin.delete("/api/v1/projects/store/memberships/" + membershipId).statusCode()).isEqualTo(204);
            assertThat(admin.delete("/api/v1/users/" + userId).statusCode()).isEqualTo(204);
            assertThat(admin.delete("/api/v1/projects/store").statusCode()).isEqualTo(204);
            assertThat(admin.get("/api/v1/projects/store").statusCode()).isEqualTo(404);
            JsonNode changed = json(admin.post("/api/v1/auth/change-password", "{\"current_password\":\""
                    + OperatorClient.ADMIN_PASSWORD() + "\",\"new_password\":\"An0ther-Passw0rd\"}"));
            assertShape(changed, "user:object, mfa_required:bool");
            assertThat(admin.get("/api/v1/auth/me").statusCode()).isEqualTo(200); // fresh cookies after the change
            JsonNode revoked = json(admin.post("/api/v1/auth/sessions/" + java.util.UUID.randomUUID() + "/revoke", null));
            assertShape(revoked, "revoked:bool");
            assertThat(admin.post("/api/v1/auth/logout", null).statusCode()).isEqualTo(204);
        }
    }

    /** The reads and typed commands, as the original dashboard reads them, through a browser session. */
    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void readsAndTypedCommandsAnswerTheirShapes(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, OperatorClient.FAST);
             TestAgent agent = brain.newAgent("shapes").connect(brain.port()).handshake()) {
            OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            java.time.Instant t = java.time.Instant.now().minusSeconds(60);
            agent.sendBatch("ok", TestAgent.lifecycle("ok-1", t));
            agent.sendBatch("bad", java.util.List.of(TestAgent.taskEvent("bad-1", "task.failed", t.plusSeconds(1),
                    java.util.Map.of("task_name", "app.boom", "worker", "celery@h", "exception", "ValueError()"))));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> !agent.acksFor("ok").isEmpty() && !agent.acksFor("bad").isEmpty());
            String p = "/api/v1/projects/default";

            JsonNode summary = json(admin.get("/api/v1/home/summary"));
            assertShape(summary, "user:object, aggregate:object, projects:array, attention:array");
            assertShape(summary.get("user"), "id:uuid, email:string, display_name:string?, is_admin:bool");
            assertShape(summary.get("aggregate"), ACTIVITY);
            assertShape(summary.get("projects").get(0), HOME_PROJECT);
            summary.get("attention").forEach(a -> assertShape(a, ATTENTION));
            JsonNode failures = json(admin.get("/api/v1/home/recent-failures?limit=1"));
            assertShape(failures, PAGE);
            assertShape(failures.get("items").get(0), FAILURE);

            JsonNode stats = json(admin.get(p + "/stats"));
            assertShape(stats, STATS);
            assertShape(stats.get("system_health"), SYSTEM_HEALTH);
            JsonNode trends = json(admin.get(p + "/trends?window=24h&bucket=1h"));
            assertShape(trends, "window:string, bucket:string, series:array");
            assertShape(trends.get("series").get(0), TREND);

            JsonNode tasks = json(admin.get(p + "/tasks"));
            assertShape(tasks, PAGE);
            assertThat(tasks.get("items")).hasSize(2);
            tasks.get("items").forEach(x -> assertShape(x, TASK));
            assertShape(json(admin.get(p + "/tasks/celery/ok-1")), TASK);
            JsonNode tree = json(admin.get(p + "/tasks/celery/ok-1/tree"));
            assertShape(tree, TREE);
            assertShape(tree.get("nodes").get(0), TREE_NODE);
            JsonNode events = json(admin.get(p + "/events?engine=celery&task_id=ok-1"));
            assertShape(events, PAGE);
            events.get("items").forEach(e -> assertShape(e, EVENT));
            JsonNode workers = json(admin.get(p + "/workers"));
            assertThat(workers.isArray()).isTrue();
            assertShape(workers.get(0), WORKER);
            assertShape(json(admin.get(p + "/workers/" + workers.get(0).get("id").asText())), WORKER + ", metadata:object");
            JsonNode queues = json(admin.get(p + "/queues"));
            assertShape(queues.get(0), QUEUE);

            String agentId = agent.agentId;
            HttpResponse<String> retried = admin.post(p + "/commands/retry-task",
                    "{\"agent_id\":\"" + agentId + "\",\"engine\":\"celery\",\"task_id\":\"bad-1\"}");
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
            assertShape(json(retried), COMMAND);
            JsonNode commands = json(admin.get(p + "/commands"));
            assertShape(commands, PAGE);
            assertShape(commands.get("items").get(0), COMMAND);
            assertShape(json(admin.get(p + "/commands/" + json(retried).get("id").asText())), COMMAND);
            assertShape(json(admin.get("/api/v1/commands/" + json(retried).get("id").asText())), COMMAND);

            HttpResponse<String> deleted = admin.post(p + "/tasks/bulk-delete", "{\"filter_state\":\"failure\"}");
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(json(deleted).toString()).isEqualTo("{\"deleted_count\":1}");
            HttpResponse<String> bad = admin.get(p + "/events?engine=celery");
            assertThat(bad.statusCode()).isEqualTo(422);
            assertShape(json(bad), ERROR);
            assertThat(json(bad).get("request_id").asText()).isEqualTo(bad.headers().firstValue("X-Request-Id").orElseThrow());
        }
    }

    private static String sheet(byte[] xlsx) throws Exception {
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(xlsx))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("xl/worksheets/sheet1.xml")) {
                    return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no sheet in the workbook");
    }
}
