package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A test agent streams real signed events into a real brain; then every read of the operator API
 * answers with the rows it streamed, in the original's JSON shapes, on SQLite and on PostgreSQL.
 */
class OperatorReadsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TASK_KEYS = List.of("id", "project_id", "engine", "task_id", "name", "queue",
            "state", "priority", "args", "kwargs", "result", "exception", "traceback", "retry_count", "eta",
            "received_at", "started_at", "finished_at", "runtime_ms", "worker_name", "parent_task_id", "root_task_id",
            "tags", "created_at", "updated_at");
    private static final String FORMULA = "=HYPERLINK(\"http://evil\",\"x\")";

    @TempDir
    Path home;

    private BrainFixture brain;
    private final Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> res = brain.get(path, brain.adminKey());
        assertThat(res.statusCode()).as("GET %s: %s", path, res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
        return JSON.readTree(res.body());
    }

    /** A GET as the dashboard sends it (session cookie), answered 200 with JSON. */
    private static JsonNode session(OperatorClient browser, String path) throws Exception {
        HttpResponse<String> res = browser.get(path);
        assertThat(res.statusCode()).as("GET %s: %s", path, res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
        return JSON.readTree(res.body());
    }

    private JsonNode problem(HttpResponse<String> res, int status, String error) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("error").asText()).as(res.body()).isEqualTo(error);
        assertThat(body.get("message").isTextual()).isTrue();
        assertThat(body.get("details").isObject()).isTrue();
        assertThat(body.get("request_id").asText()).isEqualTo(res.headers().firstValue("X-Request-Id").orElseThrow());
        return body;
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Sends one batch and waits for its ack. */
    private static void send(TestAgent agent, String batchId, List<Map<String, Object>> events) {
        agent.sendBatch(batchId, events);
        await().atMost(Duration.ofSeconds(20)).until(() -> !agent.acksFor(batchId).isEmpty());
    }

    private static Map<String, Object> data(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /**
     * 12 tasks: ok-0..ok-5 succeed on celery@host1 (queue default, name app.tasks.add), mail-0..1 fail
     * on celery@host2 (queue mail, priority high, an exception that is a spreadsheet formula), a
     * canvas root with two children, and one task that was only received.
     */
    private void streamTasks(TestAgent agent) {
        for (int i = 0; i < 6; i++) {
            send(agent, "ev_ok_" + i, TestAgent.lifecycle("ok-" + i, t0.plusSeconds(i * 10L)));
        }
        for (int i = 0; i < 2; i++) {
            String id = "mail-" + i;
            Instant at = t0.plusSeconds(100 + i * 10L);
            send(agent, "ev_mail_" + i, List.of(
                    TestAgent.taskEvent(id, "task.received", at, data("task_name", "app.tasks.SendMail", "queue", "mail",
                            "priority", "high", "args", List.of("to@example.com"), "kwargs", Map.of())),
                    TestAgent.taskEvent(id, "task.started", at.plusMillis(5), data("task_name", "app.tasks.SendMail",
                            "queue", "mail", "worker", "celery@host2")),
                    TestAgent.taskEvent(id, "task.failed", at.plusSeconds(1), data("task_name", "app.tasks.SendMail",
                            "worker", "celery@host2", "exception", FORMULA, "traceback", "Traceback: boom"))));
        }
        Instant c = t0.plusSeconds(200);
        send(agent, "ev_canvas", List.of(
                TestAgent.taskEvent("root", "task.received", c, data("task_name", "chain.start", "queue", "default")),
                TestAgent.taskEvent("child-1", "task.received", c.plusSeconds(1), data("task_name", "chain.step",
                        "queue", "default", "parent_task_id", "root", "root_task_id", "root")),
                TestAgent.taskEvent("child-2", "task.received", c.plusSeconds(2), data("task_name", "chain.step",
                        "queue", "default", "parent_task_id", "child-1", "root_task_id", "root"))));
        send(agent, "ev_waiting", List.of(TestAgent.taskEvent("waiting", "task.received", t0.plusSeconds(300),
                data("task_name", "app.tasks.slow", "queue", "default"))));
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void tasksPageFilterDetailTreeAndTimelineInTheOriginalsShapes(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of());
             TestAgent agent = b.newAgent("reads-agent").connect(b.port()).handshake()) {
            brain = b;
            streamTasks(agent);

            // Pages of 5 walk all 12 tasks once, started newest first, never-started ones last.
            List<JsonNode> walked = new ArrayList<>();
            String path = "/api/v1/projects/default/tasks?limit=5";
            for (int page = 0; page < 5; page++) {
                JsonNode body = get(path);
                assertThat(keys(body)).containsExactly("items", "next_cursor");
                body.get("items").forEach(walked::add);
                if (body.get("next_cursor").isNull()) {
                    break;
                }
                path = "/api/v1/projects/default/tasks?limit=5&cursor=" + q(body.get("next_cursor").asText());
            }
            List<String> ids = walked.stream().map(t -> t.get("task_id").asText()).toList();
            assertThat(ids).doesNotHaveDuplicates().hasSize(12);
            assertThat(ids.subList(0, 8)).containsExactly("mail-1", "mail-0", "ok-5", "ok-4", "ok-3", "ok-2", "ok-1",
                    "ok-0");
            assertThat(ids.subList(8, 12)).containsExactlyInAnyOrder("root", "child-1", "child-2", "waiting");

            JsonNode mail = walked.getFirst();
            assertThat(keys(mail)).containsExactlyElementsOf(TASK_KEYS);
            assertThat(mail.get("state").asText()).isEqualTo("failure");
            assertThat(mail.get("priority").asText()).isEqualTo("high");
            assertThat(mail.get("queue").asText()).isEqualTo("mail");
            assertThat(mail.get("worker_name").asText()).isEqualTo("celery@host2");
            assertThat(mail.get("exception").asText()).isEqualTo(FORMULA);
            assertThat(mail.get("args")).isEqualTo(JSON.readTree("[\"to@example.com\"]"));
            assertThat(mail.get("tags").isArray()).isTrue();
            assertThat(mail.get("result").isNull()).isTrue();
            assertThat(mail.get("retry_count").isInt()).isTrue();
            assertThat(Instant.parse(mail.get("finished_at").asText())).isEqualTo(t0.plusSeconds(111));

            // Filters: exact state, priority list (unknown entries dropped), case-insensitive search.
            assertThat(taskIds("state=failure")).containsExactly("mail-1", "mail-0");
            assertThat(taskIds("state=bogus")).as("an unknown state is ignored, as the original does").hasSize(12);
            assertThat(taskIds("priority=" + q("high,bogus"))).containsExactly("mail-1", "mail-0");
            assertThat(taskIds("search=SENDMAIL")).containsExactly("mail-1", "mail-0");
            assertThat(taskIds("search=HOST1&state=success")).hasSize(6);
            assertThat(taskIds("queue=mail&worker=" + q("celery@host2"))).hasSize(2);
            assertThat(taskIds("name=chain.")).containsExactlyInAnyOrder("root", "child-1", "child-2");

            // Bad input is a 422 naming the parameter.
            assertThat(problem(b.get("/api/v1/projects/default/tasks?limit=0", b.adminKey()), 422, "validation_error")
                    .get("details").get("field").asText()).isEqualTo("limit");
            assertThat(problem(b.get("/api/v1/projects/default/tasks?cursor=garbage", b.adminKey()), 422,
                    "validation_error").get("details").get("field").asText()).isEqualTo("cursor");
            assertThat(problem(b.get("/api/v1/projects/default/tasks?since=yesterday", b.adminKey()), 422,
                    "validation_error").get("details").get("field").asText()).isEqualTo("since");
            problem(b.get("/api/v1/projects/nope/tasks", b.adminKey()), 404, "not_found");

            // Detail and 404.
            JsonNode detail = get("/api/v1/projects/default/tasks/celery/mail-0");
            assertThat(detail.get("traceback").asText()).isEqualTo("Traceback: boom");
            assertThat(detail.get("id").asText()).isEqualTo(walked.get(1).get("id").asText());
            JsonNode missing = problem(b.get("/api/v1/projects/default/tasks/celery/nope", b.adminKey()), 404,
                    "not_found");
            assertThat(missing.get("details")).isEqualTo(JSON.readTree("{\"engine\":\"celery\",\"task_id\":\"nope\"}"));

            // The canvas tree from a child.
            JsonNode tree = get("/api/v1/projects/default/tasks/celery/child-2/tree");
            assertThat(tree.get("root_task_id").asText()).isEqualTo("root");
            assertThat(tree.get("node_count").asInt()).isEqualTo(3);
            assertThat(tree.get("truncated").asBoolean()).isFalse();
            assertThat(tree.get("nodes")).extracting(n -> n.get("task_id").asText())
                    .containsExactly("root", "child-1", "child-2");
            assertThat(keys(tree.get("nodes").get(2))).containsExactly("task_id", "name", "state", "parent_task_id",
                    "root_task_id", "received_at", "started_at", "finished_at");
            assertThat(tree.get("nodes").get(2).get("parent_task_id").asText()).isEqualTo("child-1");
            assertThat(get("/api/v1/projects/default/tasks/celery/ok-1/tree").get("node_count").asInt()).isEqualTo(1);

            // A task's timeline, newest first, in pages.
            JsonNode first = get("/api/v1/projects/default/events?engine=celery&task_id=mail-0&limit=2");
            assertThat(first.get("items")).extracting(e -> e.get("kind").asText())
                    .containsExactly("task.failed", "task.started");
            assertThat(keys(first.get("items").get(0))).containsExactly("id", "project_id", "agent_id", "engine",
                    "task_id", "kind", "occurred_at", "payload");
            assertThat(first.get("items").get(0).get("payload").get("exception").asText()).isEqualTo(FORMULA);
            assertThat(first.get("items").get(0).get("agent_id").asText()).isEqualTo(agent.agentId);
            JsonNode second = get("/api/v1/projects/default/events?engine=celery&task_id=mail-0&limit=2&cursor="
                    + q(first.get("next_cursor").asText()));
            assertThat(second.get("items")).extracting(e -> e.get("kind").asText()).containsExactly("task.received");
            assertThat(second.get("next_cursor").isNull()).isTrue();
            assertThat(problem(b.get("/api/v1/projects/default/events?task_id=mail-0", b.adminKey()), 422,
                    "validation_error").get("details").get("field").asText()).isEqualTo("engine");
        }
    }

    private List<String> taskIds(String query) throws Exception {
        List<String> out = new ArrayList<>();
        get("/api/v1/projects/default/tasks?limit=100&" + query).get("items").forEach(t -> out.add(t.get("task_id").asText()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void workersQueuesStatsTrendsAndHomeCountWhatWasStreamed(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, OperatorClient.FAST);
             TestAgent agent = b.newAgent("fleet-agent").connect(b.port()).handshake()) {
            brain = b;
            // The dashboard's way in: a browser session (trends take nothing else, as in the original).
            OperatorClient browser = OperatorClient.login(b.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            streamTasks(agent);
            send(agent, "ev_ok_0_again", TestAgent.lifecycle("ok-0", t0)); // a resend: counts nothing twice

            JsonNode workers = get("/api/v1/projects/default/workers");
            assertThat(workers.isArray()).isTrue();
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            workers.forEach(w -> byName.put(w.get("name").asText(), w));
            assertThat(byName).containsOnlyKeys("celery@host1", "celery@host2");
            JsonNode host1 = byName.get("celery@host1");
            assertThat(keys(host1)).containsExactly("id", "project_id", "engine", "name", "hostname", "pid", "concurrency",
                    "queues", "state", "last_heartbeat", "load_average", "active_tasks", "processed", "failed",
                    "succeeded", "retried", "created_at");
            assertThat(host1.get("succeeded").asLong()).isEqualTo(6);
            assertThat(host1.get("processed").asLong()).isEqualTo(6);
            assertThat(byName.get("celery@host2").get("failed").asLong()).isEqualTo(2);
            assertThat(host1.get("queues").isArray()).isTrue();
            assertThat(host1.get("state").asText()).isEqualTo("online");
            JsonNode one = get("/api/v1/projects/default/workers/" + host1.get("id").asText());
            assertThat(one.get("metadata").isObject()).isTrue();
            assertThat(one.get("succeeded").asLong()).isEqualTo(6);
            problem(b.get("/api/v1/projects/default/workers/not-a-uuid", b.adminKey()), 422, "validation_error");
            problem(b.get("/api/v1/projects/default/workers/00000000-0000-4000-8000-000000000000", b.adminKey()), 404,
                    "not_found");

            JsonNode queues = get("/api/v1/projects/default/queues");
            assertThat(queues).extracting(x -> x.get("name").asText()).containsExactly("default", "mail");
            assertThat(keys(queues.get(0))).containsExactly("id", "project_id", "name", "engine", "broker_type",
                    "broker_url_hint", "last_seen_at", "created_at");

            JsonNode stats = get("/api/v1/projects/default/stats?hours=24");
            assertThat(keys(stats)).containsExactly("hours", "tasks_by_state", "tasks_total", "tasks_failed_24h",
                    "tasks_succeeded_24h", "failure_rate_24h", "agents_online", "agents_offline", "workers_online",
                    "workers_offline", "commands_pending", "commands_completed_24h", "commands_failed_24h",
                    "commands_timeout_24h", "queue_depths", "system_health", "project", "project_id",
                    "agent_workers_online");
            assertThat(keys(stats.get("tasks_by_state"))).containsExactly("pending", "received", "started", "success",
                    "failure", "retry", "revoked", "rejected", "unknown");
            assertThat(stats.get("tasks_by_state").get("success").asLong()).isEqualTo(6);
            assertThat(stats.get("tasks_by_state").get("received").asLong()).isEqualTo(4);
            assertThat(stats.get("tasks_total").asLong()).isEqualTo(12);
            assertThat(stats.get("tasks_failed_24h").asLong()).isEqualTo(2);
            assertThat(stats.get("tasks_succeeded_24h").asLong()).isEqualTo(6);
            assertThat(stats.get("failure_rate_24h").asDouble()).isEqualTo(0.25);
            assertThat(stats.get("agents_online").asLong()).isEqualTo(1);
            assertThat(stats.get("workers_online").asLong()).isEqualTo(2);
            assertThat(stats.get("queue_depths").isArray()).isTrue();

            // A heartbeat's queue depths (adapter_health "<engine>.queue_depths", JSON text) reach the
            // stats page once flushed, and /metrics at once.
            agent.sendHeartbeat(Map.of("celery.queue_depths", "{\"default\": 42, \"mail\": 7}"));
            String projectId = stats.get("project_id").asText();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode depths = get("/api/v1/projects/default/stats").get("queue_depths");
                assertThat(depths).extracting(d -> d.get("name").asText() + "=" + d.get("pending_count").asLong()
                        + "/" + d.get("engine").asText()).containsExactlyInAnyOrder("default=42/celery", "mail=7/celery");
            });
            assertThat(b.metric("z4j_queue_depth{engine=\"celery\",project=\"" + projectId + "\",queue=\"default\"}"))
                    .isEqualTo(42.0);
            assertThat(b.metric("z4j_queue_depth{engine=\"celery\",project=\"" + projectId + "\",queue=\"mail\"}"))
                    .isEqualTo(7.0);
            assertThat(keys(stats.get("system_health"))).containsExactly("status", "agents_all_online",
                    "queue_depth_ok", "failure_rate_ok", "brain_db_ok");
            assertThat(stats.get("system_health").get("status").asText()).isEqualTo("degraded"); // 25% failures
            assertThat(get("/api/v1/projects/default/stats?hours=5").get("hours").asInt()).isEqualTo(24);

            JsonNode trends = session(browser, "/api/v1/projects/default/trends?window=24h&bucket=1h");
            assertThat(trends.get("window").asText()).isEqualTo("24h");
            long finished = 0;
            for (JsonNode s : trends.get("series")) {
                assertThat(keys(s)).containsExactly("t", "success", "failure", "retry", "revoked", "total",
                        "avg_runtime_ms");
                finished += s.get("total").asLong();
            }
            assertThat(finished).isEqualTo(8);
            problem(browser.get("/api/v1/projects/default/trends?bucket=2h"), 422, "validation_error");
            problem(browser.get("/api/v1/projects/default/trends?window=7d&bucket=1m"), 400, "bad_request");
            // an API key, even admin:*, does not reach trends (a browser-only tag in the original)
            JsonNode keyRefused = problem(b.get("/api/v1/projects/default/trends", b.adminKey()), 403, "forbidden");
            assertThat(keyRefused.get("details").get("reason").asText()).isEqualTo("scope_missing");

            JsonNode home = session(browser, "/api/v1/home/summary");
            assertThat(keys(home)).containsExactly("user", "aggregate", "projects", "attention");
            assertThat(home.get("user").get("email").asText()).isEqualTo("admin@example.com");
            assertThat(home.get("user").get("is_admin").asBoolean()).isTrue();
            assertThat(home.get("projects")).singleElement().satisfies(p -> {
                assertThat(p.get("slug").asText()).isEqualTo("default");
                assertThat(p.get("environment").asText()).isEqualTo("production"); // the project row's
                assertThat(p.get("role").asText()).isEqualTo("admin"); // the first admin's membership
                assertThat(p.get("tasks_24h").asLong()).isEqualTo(8);
                assertThat(p.get("failures_24h").asLong()).isEqualTo(2);
                assertThat(p.get("agents_online").asLong()).isEqualTo(1);
                assertThat(p.get("health").asText()).isEqualTo("degraded");
                assertThat(p.get("last_activity_at").isTextual()).isTrue();
            });
            assertThat(home.get("aggregate").get("tasks_24h").asLong()).isEqualTo(8);
            assertThat(home.get("attention").isArray()).isTrue();

            JsonNode failures = session(browser, "/api/v1/home/recent-failures?limit=1");
            assertThat(failures.get("items")).singleElement().satisfies(f -> {
                assertThat(f.get("task_id").asText()).isEqualTo("mail-1");
                assertThat(f.get("project_slug").asText()).isEqualTo("default");
                assertThat(f.get("exception").asText()).isEqualTo(FORMULA);
                assertThat(f.get("priority").asText()).isEqualTo("high");
            });
            JsonNode older = session(browser, "/api/v1/home/recent-failures?limit=1&cursor="
                    + q(failures.get("next_cursor").asText()));
            assertThat(older.get("items")).extracting(f -> f.get("task_id").asText())
                    .as("the cursor names the last row returned: nothing skipped").containsExactly("mail-0");
        }
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void exportsStreamCsvAndJsonWithTheFormulaGuardAndBulkDeleteRemovesRows(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of());
             TestAgent agent = b.newAgent("export-agent").connect(b.port()).handshake()) {
            brain = b;
            streamTasks(agent);

            HttpResponse<String> csv = b.get("/api/v1/projects/default/tasks?format=csv&state=failure", b.adminKey());
            assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
            assertThat(csv.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"z4j-tasks-default.csv\"");
            String[] lines = csv.body().split("\r\n");
            assertThat(lines[0]).isEqualTo("task_id,name,state,priority,queue,worker,received_at,started_at,"
                    + "finished_at,runtime_ms,retry_count,exception");
            assertThat(lines).hasSize(3);
            assertThat(lines[1]).startsWith("mail-1,app.tasks.SendMail,failure,high,mail,celery@host2,")
                    .endsWith(",,0,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");

            HttpResponse<String> full = b.get("/api/v1/projects/default/tasks?format=csv&fields="
                    + q("task_id,args,result") + "&search=ok-1", b.adminKey());
            assertThat(full.body().split("\r\n")).containsExactly("task_id,args,result", "ok-1,\"[1, 2]\",3");

            HttpResponse<String> json = b.get("/api/v1/projects/default/tasks?format=json&state=failure", b.adminKey());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"z4j-tasks-default.json\"");
            JsonNode rows = JSON.readTree(json.body());
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).get("exception").asText()).as("JSON keeps values exact").isEqualTo(FORMULA);
            assertThat(rows.get(0).get("retry_count").isInt()).isTrue();

            JsonNode xlsx = problem(b.get("/api/v1/projects/default/tasks?format=xlsx", b.adminKey()), 406,
                    "not_acceptable");
            assertThat(xlsx.get("message").asText()).contains("format=csv");
            problem(b.get("/api/v1/projects/default/tasks?format=pdf", b.adminKey()), 422, "validation_error");
            problem(b.get("/api/v1/projects/default/tasks?format=csv&fields=bogus", b.adminKey()), 422,
                    "validation_error");

            // bulk delete: by row ids, then by filter; refusals name the problem and delete nothing
            List<String> okIds = new ArrayList<>();
            get("/api/v1/projects/default/tasks?search=ok-&limit=100").get("items")
                    .forEach(t -> okIds.add(t.get("id").asText()));
            HttpResponse<String> byIds = b.post("/api/v1/projects/default/tasks/bulk-delete",
                    "{\"task_ids\":[\"" + okIds.get(0) + "\",\"" + okIds.get(1) + "\"]}", b.adminKey());
            assertThat(byIds.statusCode()).as(byIds.body()).isEqualTo(200);
            assertThat(JSON.readTree(byIds.body())).isEqualTo(JSON.readTree("{\"deleted_count\":2}"));
            HttpResponse<String> byFilter = b.post("/api/v1/projects/default/tasks/bulk-delete",
                    "{\"filter_name\":\"SENDMAIL\",\"filter_state\":\"failure\"}", b.adminKey());
            assertThat(JSON.readTree(byFilter.body()).get("deleted_count").asInt()).isEqualTo(2);
            problem(b.post("/api/v1/projects/default/tasks/bulk-delete", "{}", b.adminKey()), 422, "validation_error");
            problem(b.post("/api/v1/projects/default/tasks/bulk-delete", "{\"project_id\":\"x\"}", b.adminKey()), 422,
                    "validation_error");
            assertThat(get("/api/v1/projects/default/stats").get("tasks_total").asLong()).isEqualTo(8);
        }
    }

    /** Deep pages stay correct across many rows (the keyset runs through never-started tasks too). */
    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void walkingEveryPageOfManyTasksNeverRepeatsOrSkips(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of());
             TestAgent agent = b.newAgent("many-agent").connect(b.port()).handshake()) {
            brain = b;
            List<Map<String, Object>> events = new ArrayList<>();
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                String id = "bulk-" + i;
                sent.add(id);
                Instant at = t0.plusMillis(i * 7L);
                events.add(TestAgent.taskEvent(id, "task.received", at, data("task_name", "app.bulk", "queue", "q")));
                if (i % 3 != 0) {
                    // every 5th started task shares its start with another: ties are broken by row id
                    events.add(TestAgent.taskEvent(id, "task.started", i % 5 == 0 ? t0.plusSeconds(5) : at.plusMillis(3),
                            data("task_name", "app.bulk", "worker", "celery@w")));
                }
                if (events.size() >= 200) {
                    send(agent, "ev_bulk_" + i, events);
                    events = new ArrayList<>();
                }
            }
            send(agent, "ev_bulk_last", events);
            for (int pageSize : List.of(7, 50)) {
                List<String> seen = new ArrayList<>();
                String cursor = null;
                do {
                    JsonNode page = get("/api/v1/projects/default/tasks?limit=" + pageSize
                            + (cursor == null ? "" : "&cursor=" + q(cursor)));
                    page.get("items").forEach(t -> seen.add(t.get("task_id").asText()));
                    cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
                } while (cursor != null);
                assertThat(seen).as("pages of %d", pageSize).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
            }
        }
    }
}
