package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets its close code and a metric, and never disturbs a well-behaved
 * agent streaming on the same brain at the same time.
 */
class BadInputTest {
    @TempDir
    static Path home;
    static BrainFixture brain;
    static TestAgent bystander;
    static final AtomicInteger bystanderBatches = new AtomicInteger();

    @BeforeAll
    static void startBrain() throws Exception {
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, Map.of("Z4J_WS_HELLO_TIMEOUT_SECONDS", "1",
                "Z4J_WS_WORKERS_PER_AGENT", "2"));
        bystander = brain.newAgent("bystander").connect(brain.port()).handshake();
    }

    @AfterAll
    static void stopBrain() {
        bystander.close();
        brain.close();
    }

    /** Before and after each bad input, the bystander's batch is stored and acked. */
    @BeforeEach
    @AfterEach
    void bystanderKeepsStreaming() {
        String id = "ev_by_" + bystanderBatches.incrementAndGet();
        bystander.sendBatch(id, TestAgent.lifecycle("by-" + id, Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> bystander.acksFor(id).size() == 1);
        assertThat(bystander.acksFor(id).get(0).accepted()).isEqualTo(3);
        assertThat(bystander.isClosed()).isFalse();
    }

    private static int closeCodeOf(TestAgent agent) throws Exception {
        return agent.closeCode().get(10, TimeUnit.SECONDS);
    }

    private static void assertMetricGrew(String sample, double before) throws Exception {
        assertThat(brain.metric(sample)).as(sample).isGreaterThan(before);
    }

    @Test
    void unknownBearerTokenIs4401() throws Exception {
        double before = brain.metric("z4j_agent_auth_failures_total{reason=\"unknown\"}");
        TestAgent agent = brain.newAgent("bad-token");
        agent.connect(brain.port(), "Bearer not-a-real-token");
        assertThat(closeCodeOf(agent)).isEqualTo(4401);
        assertMetricGrew("z4j_agent_auth_failures_total{reason=\"unknown\"}", before);
    }

    @Test
    void missingOrMalformedAuthorizationIs4401() throws Exception {
        TestAgent a = brain.newAgent("no-auth");
        a.connect(brain.port(), null);
        assertThat(closeCodeOf(a)).isEqualTo(4401);
        TestAgent b = brain.newAgent("basic-auth");
        b.connect(brain.port(), "Basic " + b.token);
        assertThat(closeCodeOf(b)).isEqualTo(4401);
        assertThat(brain.metric("z4j_agent_auth_failures_total{reason=\"missing\"}")).isGreaterThanOrEqualTo(1);
        assertThat(brain.metric("z4j_agent_auth_failures_total{reason=\"malformed\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void noHelloInTimeIs4408() throws Exception {
        TestAgent agent = brain.newAgent("silent").connect(brain.port());
        assertThat(closeCodeOf(agent)).isEqualTo(4408);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"hello_timeout\"}", 0);
    }

    @Test
    void malformedFirstFrameIs4400() throws Exception {
        TestAgent agent = brain.newAgent("garbage-hello").connect(brain.port());
        agent.sendRaw("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(closeCodeOf(agent)).isEqualTo(4400);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"malformed\"}", 0);
    }

    @Test
    void unsupportedProtocolVersionIs4426() throws Exception {
        TestAgent agent = brain.newAgent("v1-agent").connect(brain.port());
        agent.sendRaw(agent.helloBytes("1"));
        assertThat(closeCodeOf(agent)).isEqualTo(4426);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"protocol_version\"}", 0);
    }

    @Test
    void malformedJsonAfterHandshakeIs1011LikeTheReference() throws Exception {
        double before = brain.metric("z4j_frames_rejected_total{reason=\"malformed\"}");
        TestAgent agent = brain.newAgent("garbage").connect(brain.port()).handshake();
        agent.sendText("[1, 2");
        assertThat(closeCodeOf(agent)).isEqualTo(1011);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"malformed\"}", before);
    }

    @Test
    void unknownFrameTypeIs1011() throws Exception {
        TestAgent agent = brain.newAgent("bogus-type").connect(brain.port()).handshake();
        agent.sendText("{\"v\":2,\"id\":\"x\",\"type\":\"bogus\",\"payload\":{}}");
        assertThat(closeCodeOf(agent)).isEqualTo(1011);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"unknown_type\"}", 0);
    }

    @Test
    void badHmacIs4403() throws Exception {
        TestAgent agent = brain.newAgent("forger").connect(brain.port()).handshake();
        String signed = new String(agent.signer().sign(Frame.outbound("ev_forged",
                new Frame.EventBatch(TestAgent.lifecycle("forged", Instant.now())))), StandardCharsets.UTF_8);
        agent.sendRaw(signed.replace("task.succeeded", "task.failed").getBytes(StandardCharsets.UTF_8));
        assertThat(closeCodeOf(agent)).isEqualTo(4403);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"bad_hmac\"}", 0);
        assertThat(brain.count("SELECT count(*) FROM events WHERE task_id = 'forged'")).isZero();
    }

    @Test
    void replayedFrameIs4403() throws Exception {
        TestAgent agent = brain.newAgent("replayer").connect(brain.port()).handshake();
        byte[] frame = agent.signer().sign(Frame.outbound("hb_1", new Frame.Heartbeat(0, null, 0, Map.of())));
        agent.sendRaw(frame);
        agent.sendRaw(frame);
        assertThat(closeCodeOf(agent)).isEqualTo(4403);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"bad_seq\"}", 0);
    }

    @Test
    void staleTimestampIs4403() throws Exception {
        TestAgent agent = brain.newAgent("time-traveller").connect(brain.port()).handshake();
        FrameSigner late = agent.signerWithClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-120)));
        agent.sendRaw(late.sign(Frame.outbound("hb_old", new Frame.Heartbeat(0, null, 0, Map.of()))));
        assertThat(closeCodeOf(agent)).isEqualTo(4403);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"stale_ts\"}", 0);
    }

    @Test
    void oversizeMessageIs4400BeforeParsing() throws Exception {
        TestAgent agent = brain.newAgent("big").connect(brain.port()).handshake();
        byte[] huge = new byte[1_048_576 + 1000];
        java.util.Arrays.fill(huge, (byte) ' ');
        agent.sendRaw(huge);
        assertThat(closeCodeOf(agent)).isEqualTo(4400);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"oversize\"}", 0);
    }

    @Test
    void batchOf5001EventsIs4400() throws Exception {
        TestAgent agent = brain.newAgent("flood").connect(brain.port()).handshake();
        List<Map<String, Object>> events = Collections.nCopies(5001, Map.of());
        agent.sendBatch("ev_flood", events);
        assertThat(closeCodeOf(agent)).isEqualTo(4400);
        assertMetricGrew("z4j_frames_rejected_total{reason=\"invalid_field\"}", 0);
    }

    @Test
    void eventsBreakingCapsAreRejectedOneByOneAndTheRestStored() throws Exception {
        double before = brain.metric("z4j_events_rejected_total{reason=\"field_too_long\"}");
        TestAgent agent = brain.newAgent("sloppy").connect(brain.port()).handshake();
        Instant now = Instant.now();
        Map<String, Object> longEngine = TestAgent.taskEvent("caps-1", "task.received", now, Map.of());
        longEngine.put("engine", "e".repeat(41));
        Map<String, Object> longTaskId = TestAgent.taskEvent("t".repeat(201), "task.received", now, Map.of());
        Map<String, Object> good = TestAgent.taskEvent("caps-ok", "task.received", now, Map.of());
        agent.sendBatch("ev_caps", List.of(longEngine, longTaskId, good));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.acksFor("ev_caps").size() == 1);
        assertThat(agent.acksFor("ev_caps").get(0)).isEqualTo(new Frame.EventBatchAck("ev_caps", 3, 1, 2));
        assertThat(brain.metric("z4j_events_rejected_total{reason=\"field_too_long\"}")).isEqualTo(before + 2);
        assertThat(brain.count("SELECT count(*) FROM events WHERE task_id = 'caps-ok'")).isEqualTo(1);
        assertThat(agent.isClosed()).isFalse();
        agent.close();
    }

    /** Nested {@code depth} lists deep, inside an event's data. */
    private static Map<String, Object> deepEvent(String taskId, int depth) {
        Object tree = List.of();
        for (int i = 0; i < depth; i++) {
            tree = List.of(tree);
        }
        return TestAgent.taskEvent(taskId, "task.received", Instant.now(), Map.of("tree", tree));
    }

    /** What a Python agent can sign (deep data, long integers) is stored like anything else. */
    @Test
    void deepDataAndLongNumbersThatPythonAcceptsAreStored() throws Exception {
        TestAgent agent = brain.newAgent("deep").connect(brain.port()).handshake();
        agent.sendBatch("ev_deep", List.of(deepEvent("deep-1", Json.MAX_DEPTH - 10))); // the frame itself adds 6 levels
        Map<String, Object> big = TestAgent.taskEvent("long-1", "task.received", Instant.now(),
                Map.of("n", new java.math.BigInteger("9".repeat(1500))));
        agent.sendBatch("ev_long", List.of(big));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                agent.acksFor("ev_deep").size() == 1 && agent.acksFor("ev_long").size() == 1);
        assertThat(agent.acksFor("ev_deep").get(0)).isEqualTo(new Frame.EventBatchAck("ev_deep", 1, 1, 0));
        assertThat(agent.acksFor("ev_long").get(0)).isEqualTo(new Frame.EventBatchAck("ev_long", 1, 1, 0));
        assertThat(brain.count("SELECT count(*) FROM events WHERE task_id IN ('deep-1', 'long-1')")).isEqualTo(2);
        assertThat(agent.isClosed()).isFalse();
        agent.close();
    }

    /**
     * Beyond even those limits a frame cannot be verified, but closing would make the agent
     * re-send it after every reconnect, forever: it is acked as rejected and the session goes on.
     */
    @Test
    void aBatchTooComplexToReadIsAckedAsRejectedAndTheSessionStays() throws Exception {
        double before = brain.metric("z4j_frames_rejected_total{reason=\"too_complex\"}");
        TestAgent agent = brain.newAgent("abyss").connect(brain.port()).handshake();
        List<Map<String, Object>> events = List.of(deepEvent("abyss-1", 1100), TestAgent.taskEvent("abyss-2",
                "task.received", Instant.now(), Map.of()));
        agent.sendBatch("ev_abyss", events);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.acksFor("ev_abyss").size() == 1);
        assertThat(agent.acksFor("ev_abyss").get(0)).isEqualTo(new Frame.EventBatchAck("ev_abyss", 2, 0, 2));
        agent.sendBatch("ev_abyss", events); // the agent's resend is known: answered like any copy
        agent.sendBatch("ev_after", TestAgent.lifecycle("after-abyss", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.acksFor("ev_after").size() == 1);
        assertThat(agent.acksFor("ev_abyss")).as("a copy within a second of the ack gets none of its own")
                .hasSize(1);
        assertThat(agent.isClosed()).isFalse();
        assertThat(brain.count("SELECT count(*) FROM events WHERE task_id LIKE 'abyss-%'")).isZero();
        assertMetricGrew("z4j_frames_rejected_total{reason=\"too_complex\"}", before);
        agent.close();
    }

    @Test
    void workersBeyondThePerAgentCapAreRefusedWith4429() throws Exception {
        TestAgent first = brain.newAgent("crowd", "w1").connect(brain.port()).handshake();
        String hmac = java.util.Base64.getUrlEncoder().encodeToString(first.projectSecret);
        TestAgent second = new TestAgent(first.agentId, first.token, hmac, "w2").connect(brain.port()).handshake();
        TestAgent third = new TestAgent(first.agentId, first.token, hmac, "w3").connect(brain.port()).handshake();
        assertThat(closeCodeOf(third)).isEqualTo(4429); // after hello_ack, as the reference
        assertThat(first.isClosed()).isFalse();
        assertThat(second.isClosed()).isFalse();
        first.close();
        second.close();
    }

    @Test
    void reconnectOfTheSameWorkerDisplacesTheOlderSocketWith4002() throws Exception {
        TestAgent first = brain.newAgent("twin", "worker-twin").connect(brain.port()).handshake();
        TestAgent second = new TestAgent(first.agentId, first.token,
                java.util.Base64.getUrlEncoder().encodeToString(first.projectSecret), "worker-twin")
                .connect(brain.port()).handshake();
        assertThat(closeCodeOf(first)).isEqualTo(4002);
        second.sendBatch("ev_twin", TestAgent.lifecycle("twin-task", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> second.acksFor("ev_twin").size() == 1);
        second.close();
    }
}
