package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /api/v1/system/pipeline: what the pipeline page draws, read from the metrics registry,
 * moves with real traffic; only global admins' sessions reach it; openapi.json lists it.
 */
class PipelineStatsTest {
    @TempDir
    Path home;

    @Test
    void countsTheEventsAnAgentSendsAndOnlyGlobalAdminsSessionsMayReadIt() throws Exception {
        Map<String, String> env = new HashMap<>(OperatorClient.FAST);
        env.put("Z4J_RING_SIZE", "1024");
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, env);
             TestAgent agent = brain.newAgent("pipe").connect(brain.port()).handshake()) {
            OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            JsonNode before = json(admin.get("/api/v1/system/pipeline"));
            assertThat(before.get("ring").get("size").asInt()).isEqualTo(1024);

            var events = TestAgent.lifecycle("pipe-1", Instant.now());
            agent.sendBatch("p1", events);
            await().atMost(Duration.ofSeconds(10)).until(() -> !agent.acksFor("p1").isEmpty());
            // The same events again (as an agent resends them): not stored twice, counted as duplicates.
            agent.sendBatch("p2", events);
            await().atMost(Duration.ofSeconds(10)).until(() -> !agent.acksFor("p2").isEmpty());

            JsonNode after = json(admin.get("/api/v1/system/pipeline"));
            JsonNode e0 = before.get("events");
            JsonNode e1 = after.get("events");
            assertThat(e1.get("received").asLong() - e0.get("received").asLong()).isEqualTo(6);
            assertThat(e1.get("stored").asLong() - e0.get("stored").asLong()).isEqualTo(3);
            assertThat(e1.get("duplicate").asLong() - e0.get("duplicate").asLong()).isEqualTo(3);
            assertThat(after.get("sockets").get("agent_sockets").asInt()).isEqualTo(1);
            assertThat(after.get("sockets").get("agents").asInt()).isEqualTo(1);
            assertThat(after.get("ring").get("remaining").asLong()).isBetween(0L, 1024L);
            for (String h : new String[] {"ack_latency_seconds", "commit_seconds"}) {
                JsonNode hist = after.get(h);
                assertThat(hist.get("count").asLong()).as(h).isGreaterThan(before.get(h).get("count").asLong());
                assertThat(hist.get("buckets")).as(h).isNotEmpty();
                JsonNode last = hist.get("buckets").get(hist.get("buckets").size() - 1);
                assertThat(last.get("count").asLong()).as(h + ": cumulative, the last bucket holds all").isEqualTo(
                        hist.get("count").asLong());
            }

            // A project admin is not a global admin; a key, even admin:*, is no browser session.
            String userId = json(admin.post("/api/v1/users", "{\"email\":\"pa@example.com\",\"password\":\""
                    + OperatorClient.ADMIN_PASSWORD() + "\"}")).get("id").asText();
            assertThat(admin.post("/api/v1/projects/default/memberships",
                    "{\"user_id\":\"" + userId + "\",\"role\":\"admin\"}").statusCode()).isEqualTo(201);
            OperatorClient projectAdmin = OperatorClient.login(brain.port(), "pa@example.com", OperatorClient.ADMIN_PASSWORD());
            assertThat(projectAdmin.get("/api/v1/system/pipeline").statusCode()).isEqualTo(403);
            assertThat(OperatorClient.withKey(brain.port(), brain.adminKey()).get("/api/v1/system/pipeline").statusCode())
                    .isEqualTo(403);
            assertThat(OperatorClient.anonymous(brain.port()).get("/api/v1/system/pipeline").statusCode()).isEqualTo(401);

            JsonNode op = json(admin.get("/api/v1/openapi.json")).get("paths").get("/system/pipeline").get("get");
            assertThat(op.get("x-minimum-role").asText()).isEqualTo("global_admin");
        }
    }
}
