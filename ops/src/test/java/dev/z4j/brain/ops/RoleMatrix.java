package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what: global admin, project admin / operator / viewer, a non-member (the same 404
 * as a missing project), API keys (scopes, project binding, revoked, expired), dead sessions
 * (expired, idle) and a missing CSRF header. Every route enforces its minimum role. Run on each
 * store ({@link RoleMatrixTest}, {@link RoleMatrixPostgresTest}): membership and key lookups are
 * store queries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoleMatrix {
    private static final String PW = "R0le-Matrix-Pass";

    BrainFixture brain;
    OperatorClient admin;
    final Map<String, OperatorClient> users = new LinkedHashMap<>();
    String agentId;
    /** The agent's socket: typed commands go to an agent that is connected. */
    TestAgent agent;

    abstract BrainFixture.Db db();

    @BeforeAll
    void setUp(@TempDir Path home) throws Exception {
        brain = BrainFixture.start(db(), home, OperatorClient.FAST);
        admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
        assertThat(admin.post("/api/v1/projects", "{\"slug\":\"other\",\"name\":\"Other\"}").statusCode()).isEqualTo(201);
        for (String role : List.of("viewer", "operator", "admin", "none")) {
            String id = json(admin.post("/api/v1/users", "{\"email\":\"" + role + "-u@example.com\",\"password\":\"" + PW + "\"}"))
                    .get("id").asText();
            if (!role.equals("none")) {
                assertThat(admin.post("/api/v1/projects/default/memberships",
                        "{\"user_id\":\"" + id + "\",\"role\":\"" + role + "\"}").statusCode()).isEqualTo(201);
            }
            users.put(role, OperatorClient.login(brain.port(), role + "-u@example.com", PW));
        }
        JsonNode minted = json(admin.post("/api/v1/projects/default/agents", "{\"name\":\"matrix\"}"));
        agentId = minted.get("agent").get("id").asText();
        agent = new TestAgent(agentId, minted.get("token").asText(), minted.get("hmac_secret").asText(), "matrix-worker")
                .connect(brain.port()).handshake();
    }

    @AfterAll
    void tearDown() {
        agent.close();
        brain.close();
    }

    /** (method, path, body, least role: viewer | operator | admin | global) */
    private static final List<String[]> ROUTES = List.of(
            new String[] {"GET", "/api/v1/projects/default", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/agents", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/stats", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/commands", null, "viewer"},
            new String[] {"GET", "/api/v1/home/summary", null, "none"},
            new String[] {"GET", "/api/v1/home/recent-failures", null, "none"},
            new String[] {"GET", "/api/v1/projects/default/trends", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/tasks", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/events?engine=celery&task_id=x", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/workers", null, "viewer"},
            new String[] {"GET", "/api/v1/projects/default/queues", null, "viewer"},
            new String[] {"POST", "/api/v1/projects/default/commands/retry-task",
                    "{\"agent_id\":\"AGENT\",\"engine\":\"celery\",\"task_id\":\"t-ROLE\"}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/cancel-task",
                    "{\"agent_id\":\"AGENT\",\"engine\":\"celery\",\"task_id\":\"t-ROLE\"}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/bulk-retry",
                    "{\"agent_id\":\"AGENT\",\"filter\":{\"state\":\"failure\"},\"max\":10}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/purge-queue",
                    "{\"agent_id\":\"AGENT\",\"queue\":\"q-ROLE\"}", "admin"},
            new String[] {"POST", "/api/v1/projects/default/commands/restart-worker",
                    "{\"agent_id\":\"AGENT\",\"worker_name\":\"w-ROLE\"}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/pool-resize",
                    "{\"agent_id\":\"AGENT\",\"worker_name\":\"w-ROLE\",\"delta\":1}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/add-consumer",
                    "{\"agent_id\":\"AGENT\",\"worker_name\":\"w-ROLE\",\"queue\":\"q\"}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/cancel-consumer",
                    "{\"agent_id\":\"AGENT\",\"worker_name\":\"w-ROLE\",\"queue\":\"q\"}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/commands/rate-limit",
                    "{\"agent_id\":\"AGENT\",\"task_name\":\"t\",\"rate\":\"10/m\"}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/tasks/bulk-delete",
                    "{\"task_ids\":[\"00000000-0000-4000-8000-000000000000\"]}", "admin"},
            new String[] {"POST", "/api/v1/projects/default/commands", "{\"agent_id\":\"AGENT\",\"action\":\"cancel_task\","
                    + "\"target\":{\"type\":\"task\",\"id\":\"celery:x\"}}", "operator"},
            new String[] {"POST", "/api/v1/projects/default/agents", "{\"name\":\"n-ROLE\"}", "admin"},
            new String[] {"GET", "/api/v1/projects/default/memberships", null, "admin"},
            new String[] {"GET", "/api/v1/projects/default/audit", null, "admin"},
            new String[] {"GET", "/api/v1/users", null, "global"},
            new String[] {"POST", "/api/v1/projects", "{\"slug\":\"p-ROLE\",\"name\":\"x\"}", "global"},
            new String[] {"PATCH", "/api/v1/projects/default", "{\"name\":\"Default\"}", "global"});

    private static int rank(String role) {
        return List.of("none", "viewer", "operator", "admin", "global").indexOf(role);
    }

    @Test
    void everyRouteEnforcesItsMinimumRoleAndNonMembersSeeNothing() throws Exception {
        for (Map.Entry<String, OperatorClient> u : users.entrySet()) {
            for (String[] r : ROUTES) {
                String body = r[2] == null ? null : r[2].replace("AGENT", agentId).replace("ROLE", u.getKey());
                HttpResponse<String> res = u.getValue().send(r[0], r[1], body);
                String what = u.getKey() + " " + r[0] + " " + r[1] + " -> " + res.body();
                // (global-admin routes refuse every non-admin alike, whatever the slug: nothing leaks either)
                boolean projectRoute = r[1].startsWith("/api/v1/projects/default") && !r[3].equals("global");
                if (u.getKey().equals("none") && projectRoute) {
                    assertThat(res.statusCode()).as(what).isEqualTo(404); // same as a missing project
                    assertThat(json(res).get("message").asText()).as(what).isEqualTo("project 'default' not found");
                } else if (rank(u.getKey()) >= rank(r[3])) {
                    assertThat(res.statusCode()).as(what).isBetween(200, 299);
                } else {
                    assertThat(res.statusCode()).as(what).isEqualTo(403);
                    JsonNode e = json(res);
                    assertThat(e.get("error").asText()).isEqualTo("forbidden");
                    if (!r[3].equals("global")) {
                        assertThat(e.get("details").get("have").asText()).isEqualTo(u.getKey());
                        assertThat(e.get("details").get("need").asText()).isEqualTo(r[3]);
                    } else {
                        assertThat(e.get("message").asText()).isEqualTo("admin role required");
                    }
                }
            }
            assertThat(u.getValue().get("/api/v1/projects/nope/agents").statusCode()).isEqualTo(404);
        }
        for (String[] r : ROUTES) {
            String body = r[2] == null ? null : r[2].replace("AGENT", agentId).replace("ROLE", "g");
            assertThat(admin.send(r[0], r[1], body).statusCode()).as(r[1]).isBetween(200, 299);
        }
    }

    @Test
    void anonymousGets401ButUnknownRoutesAre404() throws Exception {
        OperatorClient anon = OperatorClient.anonymous(brain.port());
        HttpResponse<String> res = anon.get("/api/v1/projects");
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(json(res).get("error").asText()).isEqualTo("unauthenticated");
        assertThat(anon.get("/api/v1/not-a-route").statusCode()).isEqualTo(404);
        assertThat(anon.get("/api/v1/projects/default/schedules").statusCode()).isEqualTo(404);
        assertThat(users.get("viewer").get("/api/v1/projects/default/not-yet").statusCode()).isEqualTo(404);
    }

    @Test
    void mutationsWithoutTheCsrfHeaderAreRefusedAndSafeReadsAreNot() throws Exception {
        OperatorClient browser = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
        browser.sendCsrf = false;
        HttpResponse<String> res = browser.post("/api/v1/projects/default/agents", "{\"name\":\"no-csrf\"}");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(json(res).get("details").get("reason").asText()).isEqualTo("csrf_mismatch");
        assertThat(json(res).get("message").asText()).isEqualTo("csrf token mismatch");
        HttpResponse<String> wrong = browser.send("DELETE", "/api/v1/projects/default/agents/" + agentId, null);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(browser.get("/api/v1/auth/me").statusCode()).isEqualTo(200);
        assertThat(brain.count("SELECT count(*) FROM agents WHERE name = 'no-csrf'")).isZero();
        assertThat(brain.count("SELECT count(*) FROM agents WHERE id = '" + agentId + "'")).isOne();
        // logging in needs no token (there is no session yet)
        assertThat(OperatorClient.anonymous(brain.port()).post("/api/v1/auth/login", "{\"email\":\"viewer-u@example.com\","
                + "\"password\":\"" + PW + "\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void expiredAndIdleSessionsAreDead() throws Exception {
        OperatorClient expired = OperatorClient.login(brain.port(), "viewer-u@example.com", PW);
        OperatorClient idle = OperatorClient.login(brain.port(), "viewer-u@example.com", PW);
        OperatorClient alive = OperatorClient.login(brain.port(), "viewer-u@example.com", PW);
        long past = (System.currentTimeMillis() - 1000) * 1000; // epoch micros
        long idleFor = (System.currentTimeMillis() - 31 * 60_000) * 1000; // 31 minutes ago
        String[] rows = lastThreeSessions();
        sql("UPDATE sessions SET expires_at = " + at(past) + " WHERE id = '" + rows[2] + "'");
        sql("UPDATE sessions SET last_seen_at = " + at(idleFor) + " WHERE id = '" + rows[1] + "'");
        assertThat(expired.get("/api/v1/auth/me").statusCode()).isEqualTo(401);
        assertThat(idle.get("/api/v1/auth/me").statusCode()).isEqualTo(401);
        assertThat(alive.get("/api/v1/auth/me").statusCode()).isEqualTo(200);
        // remember-me sessions have no idle limit
        OperatorClient remembered = OperatorClient.anonymous(brain.port());
        assertThat(remembered.post("/api/v1/auth/login", "{\"email\":\"viewer-u@example.com\",\"password\":\"" + PW
                + "\",\"remember_me\":true}").statusCode()).isEqualTo(200);
        sql("UPDATE sessions SET last_seen_at = " + at(idleFor) + " WHERE id = '" + lastThreeSessions()[0] + "'");
        assertThat(remembered.get("/api/v1/auth/me").statusCode()).isEqualTo(200);
        // revoked by logout elsewhere
        assertThat(alive.post("/api/v1/auth/logout", null).statusCode()).isEqualTo(204);
        assertThat(alive.get("/api/v1/auth/me").statusCode()).isEqualTo(401);
    }

    /** Newest first. */
    private String[] lastThreeSessions() throws Exception {
        try (var c = BrainFixture.jdbc(brain.env); var s = c.createStatement();
             var rs = s.executeQuery("SELECT id FROM sessions ORDER BY issued_at DESC LIMIT 3")) {
            String[] out = new String[3];
            for (int i = 0; rs.next(); i++) {
                out[i] = rs.getString(1);
            }
            return out;
        }
    }

    /** A time in epoch microseconds as SQL for this store (SQLite keeps micros, PostgreSQL timestamptz). */
    private String at(long micros) {
        return db() == BrainFixture.Db.SQLITE ? String.valueOf(micros) : "to_timestamp(" + micros + " / 1000000.0)";
    }

    private void sql(String statement) throws Exception {
        try (var c = BrainFixture.jdbc(brain.env); var s = c.createStatement()) {
            assertThat(s.executeUpdate(statement)).isOne();
        }
    }

    private static String key(OperatorClient owner, String scopes, String projectId) throws Exception {
        HttpResponse<String> r = owner.post("/api/v1/api-keys", "{\"name\":\"k\",\"scopes\":" + scopes
                + (projectId == null ? "" : ",\"project_id\":\"" + projectId + "\"") + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("token").asText();
    }

    @Test
    void apiKeysNeedTheScopeAndTheRoleAndStayInTheirProject() throws Exception {
        String defaultId = json(admin.get("/api/v1/projects/default")).get("id").asText();
        String otherId = json(admin.get("/api/v1/projects/other")).get("id").asText();
        OperatorClient readAgents = OperatorClient.withKey(brain.port(), key(admin, "[\"agents:read\"]", null));
        assertThat(readAgents.get("/api/v1/projects/default/agents").statusCode()).isEqualTo(200);
        HttpResponse<String> noScope = readAgents.post("/api/v1/projects/default/agents", "{\"name\":\"k1\"}");
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(json(noScope).get("details").get("required_scope").asText()).isEqualTo("agents:write");
        assertThat(json(noScope).get("details").get("reason").asText()).isEqualTo("scope_missing");
        assertThat(readAgents.get("/api/v1/users").statusCode()).isEqualTo(403);
        HttpResponse<String> me = readAgents.get("/api/v1/auth/me");
        assertThat(me.statusCode()).isEqualTo(403);
        assertThat(json(me).get("details").get("reason").asText()).isEqualTo("bearer_denied_for_tag");

        // write implies read; a key acts as its owner, so a viewer's key cannot mint
        OperatorClient writer = OperatorClient.withKey(brain.port(), key(admin, "[\"agents:write\"]", null));
        assertThat(writer.get("/api/v1/projects/default/agents").statusCode()).isEqualTo(200);
        assertThat(writer.post("/api/v1/projects/default/agents", "{\"name\":\"by-key\"}").statusCode()).isEqualTo(201);
        OperatorClient viewerKey = OperatorClient.withKey(brain.port(), key(users.get("viewer"), "[\"agents:write\"]", null));
        assertThat(viewerKey.post("/api/v1/projects/default/agents", "{\"name\":\"v\"}").statusCode()).isEqualTo(403);
        assertThat(users.get("viewer").post("/api/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"admin:*\"]}").statusCode())
                .isEqualTo(409); // admin-only scope
        assertThat(users.get("viewer").post("/api/v1/api-keys", "{\"name\":\"x\",\"scopes\":[],\"project_id\":\""
                + otherId + "\"}").statusCode()).isEqualTo(409); // not a member there

        // bound to one project
        OperatorClient bound = OperatorClient.withKey(brain.port(), key(admin, "[\"agents:read\",\"projects:read\",\"users:read\"]", otherId));
        HttpResponse<String> mismatch = bound.get("/api/v1/projects/default/agents");
        assertThat(mismatch.statusCode()).isEqualTo(403);
        assertThat(json(mismatch).get("details").get("reason").asText()).isEqualTo("project_scope_mismatch");
        assertThat(bound.get("/api/v1/projects/other/agents").statusCode()).isEqualTo(200);
        JsonNode visible = json(bound.get("/api/v1/projects"));
        assertThat(visible).hasSize(1);
        assertThat(visible.get(0).get("id").asText()).isEqualTo(otherId);
        HttpResponse<String> nonSlug = bound.get("/api/v1/users");
        assertThat(nonSlug.statusCode()).isEqualTo(403);
        assertThat(json(nonSlug).get("details").get("reason").asText()).isEqualTo("project_scope_nonslug_denied");
        assertThat(defaultId).isNotEqualTo(otherId);

        // revoked and expired keys are 401 with the reason; unknown keys are no credential at all
        String revokedToken = key(admin, "[\"agents:read\"]", null);
        String revokedId = json(admin.get("/api/v1/api-keys")).get(0).get("id").asText();
        assertThat(admin.delete("/api/v1/api-keys/" + revokedId).statusCode()).isEqualTo(204);
        HttpResponse<String> revoked = OperatorClient.withKey(brain.port(), revokedToken).get("/api/v1/projects/default/agents");
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(json(revoked).get("details").get("reason").asText()).isEqualTo("revoked");
        String expiringToken = key(admin, "[\"agents:read\"]", null);
        sql("UPDATE api_keys SET expires_at = " + at((System.currentTimeMillis() - 1000) * 1000)
                + " WHERE prefix = '" + expiringToken.substring(0, 8) + "'");
        HttpResponse<String> expired = OperatorClient.withKey(brain.port(), expiringToken).get("/api/v1/projects/default/agents");
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(json(expired).get("details").get("reason").asText()).isEqualTo("expired");
        assertThat(OperatorClient.withKey(brain.port(), "z4k_" + "A".repeat(43)).get("/api/v1/projects").statusCode())
                .isEqualTo(401);

        // the reads and typed commands: the scope follows the tag (tasks, events and stats are tasks:*);
        // trends are for browsers only, even with admin:*; the key's owner's role still applies
        OperatorClient tasksRead = OperatorClient.withKey(brain.port(), key(admin, "[\"tasks:read\"]", null));
        assertThat(tasksRead.get("/api/v1/projects/default/tasks").statusCode()).isEqualTo(200);
        assertThat(tasksRead.get("/api/v1/projects/default/events?engine=celery&task_id=x").statusCode()).isEqualTo(200);
        assertThat(tasksRead.get("/api/v1/projects/default/stats").statusCode()).isEqualTo(200);
        HttpResponse<String> noDelete = tasksRead.post("/api/v1/projects/default/tasks/bulk-delete",
                "{\"task_ids\":[\"00000000-0000-4000-8000-000000000000\"]}");
        assertThat(noDelete.statusCode()).isEqualTo(403);
        assertThat(json(noDelete).get("details").get("required_scope").asText()).isEqualTo("tasks:write");
        assertThat(json(tasksRead.get("/api/v1/projects/default/workers")).get("details").get("required_scope").asText())
                .isEqualTo("workers:read");
        HttpResponse<String> trends = OperatorClient.withKey(brain.port(), brain.adminKey()).get("/api/v1/projects/default/trends");
        assertThat(trends.statusCode()).isEqualTo(403);
        assertThat(json(trends).get("details").get("reason").asText()).isEqualTo("scope_missing");
        OperatorClient commandsRead = OperatorClient.withKey(brain.port(), key(admin, "[\"commands:read\"]", null));
        assertThat(commandsRead.get("/api/v1/projects/default/commands").statusCode()).isEqualTo(200);
        String retry = "{\"agent_id\":\"" + agentId + "\",\"engine\":\"celery\",\"task_id\":\"by-key\"}";
        HttpResponse<String> noIssue = commandsRead.post("/api/v1/projects/default/commands/retry-task", retry);
        assertThat(noIssue.statusCode()).isEqualTo(403);
        assertThat(json(noIssue).get("details").get("required_scope").asText()).isEqualTo("commands:write");
        OperatorClient operatorKey = OperatorClient.withKey(brain.port(),
                key(users.get("operator"), "[\"commands:write\"]", null));
        assertThat(operatorKey.post("/api/v1/projects/default/commands/retry-task", retry).statusCode()).isEqualTo(202);
        HttpResponse<String> purge = operatorKey.post("/api/v1/projects/default/commands/purge-queue",
                "{\"agent_id\":\"" + agentId + "\",\"queue\":\"q\"}");
        assertThat(purge.statusCode()).isEqualTo(403);
        assertThat(json(purge).get("details").get("need").asText()).isEqualTo("admin");
        // a key bound to a project sees only that project on the home page
        OperatorClient boundHome = OperatorClient.withKey(brain.port(), key(admin, "[\"home:read\"]", otherId));
        assertThat(json(boundHome.get("/api/v1/home/summary")).get("projects"))
                .extracting(p -> p.get("slug").asText()).containsExactly("other");
        assertThat(json(admin.get("/api/v1/home/summary")).get("projects"))
                .extracting(p -> p.get("slug").asText()).contains("default", "other");

        // the installation key printed at first start is admin:* and still works
        assertThat(OperatorClient.withKey(brain.port(), brain.adminKey()).get("/api/v1/users").statusCode()).isEqualTo(200);
    }
}
