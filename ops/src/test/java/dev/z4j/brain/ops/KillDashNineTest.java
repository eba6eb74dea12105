package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real brain process killed with SIGKILL mid-stream, then started again on the same database:
 * everything acked survived, and the agent's resend stores each event exactly once.
 */
class KillDashNineTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void sigkillMidStreamLosesNothingAcked(BrainFixture.Db db) throws Exception {
        Map<String, String> env = BrainFixture.baseEnv(db, home);
        Path log = home.resolve("brain.log");
        TestAgent agent;
        Streamer streamer = new Streamer(400);
        BrainProcess first = BrainProcess.start(env, log);
        try {
            agent = mint(first).connect(first.port).handshake();
            streamer.start(agent);
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.acks().size() >= 50);
            first.kill();
        } finally {
            first.close();
        }
        streamer.stop();
        await().atMost(Duration.ofSeconds(10)).until(agent::isClosed);
        agent.awaitInboundProcessed();
        Set<Integer> acked = Streamer.ackedIndexes(agent);
        assertThat(acked).hasSizeGreaterThanOrEqualTo(50);
        Streamer.assertAckedAreStored(sql -> BrainFixture.count(env, sql), acked);

        try (BrainProcess second = BrainProcess.start(env, log)) {
            TestAgent again = new TestAgent(agent.agentId, agent.token,
                    Base64.getUrlEncoder().encodeToString(agent.projectSecret), agent.workerId)
                    .connect(second.port).handshake();
            streamer.resendAll(again);
            await().atMost(Duration.ofSeconds(60)).until(() -> again.acks().size() == streamer.batches);
            assertThat(BrainFixture.count(env, "SELECT count(*) FROM events")).isEqualTo(3L * streamer.batches);
            assertThat(BrainFixture.count(env, "SELECT count(DISTINCT task_id) FROM events"))
                    .isEqualTo(streamer.batches);
            again.close();
        }
    }

    private static TestAgent mint(BrainProcess brain) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + brain.port + "/api/v1/projects/default/agents"))
                .header("Authorization", "Bearer " + brain.adminKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"killed\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        JsonNode n = new ObjectMapper().readTree(res.body());
        return new TestAgent(n.get("agent_id").asText(), n.get("token").asText(), n.get("hmac_secret").asText(),
                "worker-kill");
    }
}
