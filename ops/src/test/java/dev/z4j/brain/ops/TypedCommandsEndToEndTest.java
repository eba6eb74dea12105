package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.protocol.Frame;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The typed command endpoints on a real brain: the command a test agent receives carries the
 * original's payload, the agent's ack and result complete it, an idempotency key returns the same
 * command, and an agent connected nowhere is a 503 that stores nothing.
 */
class TypedCommandsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COMMAND_KEYS = List.of("id", "project_id", "agent_id", "issued_by", "action",
            "target_type", "target_id", "payload", "status", "result", "error", "issued_at", "dispatched_at",
            "completed_at", "timeout_at");

    @TempDir
    Path home;

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode accepted(HttpResponse<String> res) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        JsonNode c = JSON.readTree(res.body());
        assertThat(keys(c)).containsExactlyElementsOf(COMMAND_KEYS);
        return c;
    }

    private static HttpResponse<String> issue(BrainFixture b, String name, String body) throws Exception {
        return b.post("/api/v1/projects/default/commands/" + name, body, b.adminKey());
    }

    private static Frame.Command received(TestAgent agent, String commandId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> agent.commands().stream().anyMatch(f -> f.id().equals(commandId)));
        return (Frame.Command) agent.commands().stream().filter(f -> f.id().equals(commandId)).findFirst()
                .orElseThrow().payload();
    }

    /** The brain records a hello just after answering it: wait until every agent of the project is seen online. */
    private static void awaitOnline(BrainFixture b, int agents) {
        await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().get("agents_online").asLong() == agents);
    }

    private static String status(BrainFixture b, String commandId) throws Exception {
        return JSON.readTree(b.get("/api/v1/projects/default/commands/" + commandId, b.adminKey()).body())
                .get("status").asText();
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void retryCarriesTheTasksNameArgumentsAndPriorityAndCompletesOnTheAgentsResult(BrainFixture.Db db)
            throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of());
             TestAgent agent = b.newAgent("cmd-agent").connect(b.port()).handshake()) {
            Map<String, Object> data = new java.util.LinkedHashMap<>(Map.of("task_name", "app.tasks.charge",
                    "queue", "billing", "priority", "critical", "args", List.of(42L), "kwargs", Map.of("cents", 100L)));
            agent.sendBatch("ev_1", List.of(TestAgent.taskEvent("t-1", "task.received", Instant.now().minusSeconds(5),
                    data)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !agent.acksFor("ev_1").isEmpty());

            JsonNode c = accepted(issue(b, "retry-task",
                    "{\"agent_id\":\"" + agent.agentId + "\",\"engine\":\"celery\",\"task_id\":\"t-1\"}"));
            assertThat(c.get("action").asText()).isEqualTo("retry_task");
            assertThat(c.get("target_type").asText()).isEqualTo("task");
            assertThat(c.get("target_id").asText()).isEqualTo("celery:t-1");
            assertThat(c.get("agent_id").asText()).isEqualTo(agent.agentId);
            assertThat(c.get("issued_by").isNull()).as("an admin key is no user").isTrue();
            assertThat(c.get("payload")).isEqualTo(JSON.readTree("""
                    {"engine":"celery","task_id":"t-1","task_name":"app.tasks.charge","args":[42],"kwargs":{"cents":100},
                     "override_args":null,"override_kwargs":null,"eta_seconds":null,"priority":"critical"}"""));

            Frame.Command frame = received(agent, c.get("id").asText());
            assertThat(frame.action()).isEqualTo("retry_task");
            assertThat(frame.target()).isEqualTo(Map.of("type", "task", "id", "celery:t-1", "engine", "celery"));
            assertThat(frame.parameters()).containsEntry("task_name", "app.tasks.charge")
                    .containsEntry("args", List.of(42L)).containsEntry("priority", "critical");
            await().atMost(Duration.ofSeconds(10)).until(() -> status(b, c.get("id").asText()).equals("completed"));
            JsonNode done = JSON.readTree(b.get("/api/v1/projects/default/commands/" + c.get("id").asText(),
                    b.adminKey()).body());
            assertThat(done.get("completed_at").isTextual()).isTrue();
            assertThat(done.get("result").get("action").asText()).isEqualTo("retry_task");

            // Overrides replace the stored arguments.
            JsonNode overridden = accepted(issue(b, "retry-task", "{\"agent_id\":\"" + agent.agentId
                    + "\",\"engine\":\"celery\",\"task_id\":\"t-1\",\"override_args\":[7],\"override_kwargs\":{},"
                    + "\"eta_seconds\":30}"));
            assertThat(overridden.get("payload").get("args").isNull()).isTrue();
            assertThat(overridden.get("payload").get("override_args")).isEqualTo(JSON.readTree("[7]"));
            assertThat(overridden.get("payload").get("eta_seconds").asInt()).isEqualTo(30);

            // The commands list pages in the same shape.
            JsonNode page = JSON.readTree(b.get("/api/v1/projects/default/commands?limit=1", b.adminKey()).body());
            assertThat(page.get("items")).singleElement().satisfies(x -> assertThat(keys(x))
                    .containsExactlyElementsOf(COMMAND_KEYS));
            JsonNode next = JSON.readTree(b.get("/api/v1/projects/default/commands?limit=1&cursor="
                    + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), b.adminKey()).body());
            assertThat(next.get("items").get(0).get("id").asText()).isEqualTo(c.get("id").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void everyTypedEndpointBuildsTheOriginalsCommand(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of());
             TestAgent agent = b.newAgent("typed-agent").connect(b.port()).handshake()) {
            awaitOnline(b, 1);
            String a = "\"agent_id\":\"" + agent.agentId + "\",";
            JsonNode shrink = accepted(issue(b, "pool-resize", "{" + a + "\"worker_name\":\"celery@h\",\"delta\":-3}"));
            assertThat(shrink.get("action").asText()).isEqualTo("pool_shrink");
            assertThat(shrink.get("payload")).isEqualTo(JSON.readTree("{\"worker_name\":\"celery@h\",\"delta\":3}"));
            assertThat(shrink.get("target_type").asText()).isEqualTo("worker");
            assertThat(shrink.get("target_id").asText()).isEqualTo("celery@h");
            assertThat(accepted(issue(b, "pool-resize", "{" + a + "\"worker_name\":\"celery@h\",\"delta\":2}"))
                    .get("action").asText()).isEqualTo("pool_grow");
            assertThat(accepted(issue(b, "restart-worker", "{" + a + "\"worker_name\":\"celery@h\"}"))
                    .get("payload")).isEqualTo(JSON.readTree("{\"worker_name\":\"celery@h\"}"));
            JsonNode add = accepted(issue(b, "add-consumer", "{" + a + "\"worker_name\":\"celery@h\",\"queue\":\"q\"}"));
            assertThat(add.get("action").asText()).isEqualTo("add_consumer");
            assertThat(accepted(issue(b, "cancel-consumer", "{" + a + "\"worker_name\":\"celery@h\",\"queue\":\"q\"}"))
                    .get("action").asText()).isEqualTo("cancel_consumer");
            JsonNode cancel = accepted(issue(b, "cancel-task", "{" + a + "\"engine\":\"rq\",\"task_id\":\"j1\"}"));
            assertThat(cancel.get("payload")).isEqualTo(JSON.readTree("{\"engine\":\"rq\",\"task_id\":\"j1\"}"));
            assertThat(cancel.get("target_id").asText()).isEqualTo("rq:j1");
            JsonNode rate = accepted(issue(b, "rate-limit", "{" + a + "\"task_name\":\"app.t\",\"rate\":\"10/m\"}"));
            assertThat(rate.get("payload")).isEqualTo(JSON.readTree(
                    "{\"task_name\":\"app.t\",\"rate\":\"10/m\",\"worker_name\":null}"));
            JsonNode bulk = accepted(issue(b, "bulk-retry", "{" + a
                    + "\"filter\":{\"state\":\"failure\",\"task_names\":{\"x\":\"os.system\"}},\"max\":50}"));
            assertThat(bulk.get("target_type").asText()).isEqualTo("bulk");
            assertThat(bulk.get("target_id").isNull()).isTrue();
            assertThat(bulk.get("payload")).isEqualTo(JSON.readTree("{\"filter\":{\"state\":\"failure\"},\"max\":50,"
                    + "\"rejected_client_supplied_filter_keys\":[\"task_names\"]}"));

            // A purge's confirm token reaches the agent but is never shown back.
            JsonNode purge = accepted(issue(b, "purge-queue", "{" + a + "\"queue\":\"q\",\"confirm_token\":\"secret-t\"}"));
            assertThat(purge.get("payload").get("confirm_token").asText()).isEqualTo("<redacted>");
            assertThat(received(agent, purge.get("id").asText()).parameters()).containsEntry("confirm_token", "secret-t");

            // Bad bodies are a 422 naming the field; nothing is stored.
            long before = b.count("SELECT count(*) FROM commands");
            assertInvalid(issue(b, "retry-task", "{" + a + "\"engine\":\"huey\",\"task_id\":\"x\"}"), "engine");
            assertInvalid(issue(b, "retry-task", "{" + a + "\"engine\":\"celery\"}"), "task_id");
            assertInvalid(issue(b, "retry-task", "{" + a + "\"engine\":\"celery\",\"task_id\":\"x\",\"eta_seconds\":-1}"),
                    "eta_seconds");
            assertInvalid(issue(b, "rate-limit", "{" + a + "\"task_name\":\"t\",\"rate\":\"10/d\"}"), "rate");
            assertInvalid(issue(b, "pool-resize", "{" + a + "\"worker_name\":\"w\",\"delta\":101}"), "delta");
            assertInvalid(issue(b, "cancel-task", "{\"agent_id\":\"nope\",\"engine\":\"celery\",\"task_id\":\"x\"}"),
                    "agent_id");
            assertInvalid(issue(b, "retry-task", "[1]"), "body");
            assertThat(b.count("SELECT count(*) FROM commands")).isEqualTo(before);
        }
    }

    private static void assertInvalid(HttpResponse<String> res, String field) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(422);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("error").asText()).isEqualTo("validation_error");
        assertThat(body.get("details").get("field").asText()).as(res.body()).isEqualTo(field);
        assertThat(body.get("message").asText()).startsWith(field);
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void idempotencyKeysAgentChoiceAndAnAgentConnectedNowhere(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of())) {
            TestAgent older = b.newAgent("older").connect(b.port()).handshake();
            TestAgent newer = b.newAgent("newer").connect(b.port()).handshake();
            awaitOnline(b, 2);
            String body = "{\"agent_id\":\"" + older.agentId + "\",\"engine\":\"celery\",\"task_id\":\"x\","
                    + "\"idempotency_key\":\"k-1\"}";
            JsonNode first = accepted(issue(b, "cancel-task", body));
            JsonNode again = accepted(issue(b, "cancel-task", body));
            assertThat(again.get("id").asText()).as("same key, same command").isEqualTo(first.get("id").asText());
            received(older, first.get("id").asText());
            assertThat(b.count("SELECT count(*) FROM commands")).isEqualTo(1);

            // No agent named: the project's newest online agent.
            JsonNode chosen = accepted(issue(b, "cancel-task", "{\"engine\":\"celery\",\"task_id\":\"y\"}"));
            assertThat(chosen.get("agent_id").asText()).isEqualTo(newer.agentId);
            received(newer, chosen.get("id").asText());

            // An agent of no project of ours: 404.
            HttpResponse<String> stranger = issue(b, "cancel-task",
                    "{\"agent_id\":\"00000000-0000-4000-8000-000000000000\",\"engine\":\"celery\",\"task_id\":\"x\"}");
            assertThat(stranger.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(stranger.body()).get("message").asText()).isEqualTo("agent not found in this project");

            // Connected nowhere: 503 agent_offline, and nothing is stored that could run later.
            older.close();
            newer.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().get("agents_online").asLong() == 0);
            long before = b.count("SELECT count(*) FROM commands");
            HttpResponse<String> offline = issue(b, "cancel-task",
                    "{\"agent_id\":\"" + older.agentId + "\",\"engine\":\"celery\",\"task_id\":\"z\"}");
            assertThat(offline.statusCode()).as(offline.body()).isEqualTo(503);
            JsonNode problem = JSON.readTree(offline.body());
            assertThat(problem.get("error").asText()).isEqualTo("agent_offline");
            assertThat(problem.get("details").get("agent_id").asText()).isEqualTo(older.agentId);
            assertThat(issue(b, "cancel-task", "{\"engine\":\"celery\",\"task_id\":\"z\"}").statusCode()).isEqualTo(503);
            assertThat(b.count("SELECT count(*) FROM commands")).isEqualTo(before);
            // ... but a key already used still answers with its command
            assertThat(accepted(issue(b, "cancel-task", body)).get("id").asText()).isEqualTo(first.get("id").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void taskMetricsCountWhatEachCommitStored(BrainFixture.Db db) throws Exception {
        try (BrainFixture b = BrainFixture.start(db, home, Map.of());
             TestAgent agent = b.newAgent("metrics-agent").connect(b.port()).handshake()) {
            for (int i = 0; i < 3; i++) {
                agent.sendBatch("ev_m_" + i, TestAgent.lifecycle("m-" + i, Instant.now().minusSeconds(30 + i)));
            }
            agent.sendBatch("ev_m_0_again", TestAgent.lifecycle("m-0", Instant.now().minusSeconds(30)));
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.acks().size() == 4);
            String project = b.text("SELECT id FROM projects WHERE slug = 'default'");
            String labels = "project=\"" + project + "\",state=\"%s\",task_name=\"app.tasks.add\"";
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(b.metric("z4j_tasks_total{" + labels.formatted("success") + "}")).isEqualTo(3.0));
            assertThat(b.metric("z4j_tasks_total{" + labels.formatted("received") + "}")).isEqualTo(3.0);
            assertThat(b.metric("z4j_task_duration_seconds_count{project=\"" + project
                    + "\",task_name=\"app.tasks.add\"}")).isEqualTo(3.0);
            assertThat(b.metric("z4j_task_duration_seconds_bucket{project=\"" + project
                    + "\",task_name=\"app.tasks.add\",le=\"0.05\"}")).as("12 ms runtimes").isEqualTo(3.0);
        }
    }
}
