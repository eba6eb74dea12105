package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.SessionBinding;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The session against a fake transport and a fake brain that signs and verifies with the real protocol code. */
class AgentSessionTest {
    private static final long MS = 1_000_000L;
    private static final byte[] SECRET = new byte[32];
    private static final SessionBinding BINDING = new SessionBinding("0b7e5f3a-2c1d-4e8f-9a6b-5c4d3e2f1a0b",
            "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f", "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a");

    static {
        Arrays.fill(SECRET, (byte) 7);
    }

    private final List<byte[]> wire = new ArrayList<>();
    private final FrameVerifier brainVerifier = new FrameVerifier(SECRET, BINDING, ReplayGuard.systemClock());
    private final FrameSigner brainSigner = new FrameSigner(SECRET, BINDING);
    private final Metrics metrics = new Metrics();

    private AgentSession session(Outbox outbox, double ratePerSecond) {
        return new AgentSession(new FrameSigner(SECRET, BINDING),
                new FrameVerifier(SECRET, BINDING, ReplayGuard.systemClock()), outbox,
                new TaskEventSource(Clock.systemUTC(), new SplittableRandom(9), "celery@test"), new Pacer(0),
                () -> ratePerSecond, metrics, wire::add, Duration.ofSeconds(10), 0, Clock.systemUTC());
    }

    /** What the brain would read: every frame verified (signature, seq order, nonce, ts). */
    private List<Frame> brainReads() {
        List<Frame> frames = wire.stream().map(brainVerifier::verify).toList();
        wire.clear();
        return frames;
    }

    private byte[] ack(String batchId) {
        return brainSigner.sign(Frame.outbound("eba_" + batchId, new Frame.EventBatchAck(batchId, 1, 1, 0)));
    }

    @Test
    void firstPassSendsHeartbeatAndStatusThenSignedEventBatches() throws Exception {
        AgentSession s = session(new AgentShapeOutbox(new SplittableRandom(1), 1000), 100);
        s.pass(100 * MS, true);
        List<Frame> frames = brainReads();
        assertThat(frames).extracting(Frame::type).startsWith(FrameType.HEARTBEAT, FrameType.AGENT_STATUS);
        List<Frame> batches = frames.stream().filter(f -> f.type() == FrameType.EVENT_BATCH).toList();
        assertThat(batches).hasSize(10); // 100 ev/s for 100 ms, one event per frame
        for (Frame f : batches) {
            Map<String, Object> e = ((Frame.EventBatch) f.payload()).events().get(0);
            assertThat(f.id()).matches("ev_[0-9a-f]{12}");
            assertThat(e).containsKeys("id", "kind", "engine", "task_id", "occurred_at", "data");
            assertThat((String) e.get("occurred_at")).endsWith("+00:00");
        }
        assertThat(metrics.eventsSent.sum()).isEqualTo(10);
        assertThat(metrics.heartbeatsSent.sum()).isEqualTo(1);
    }

    @Test
    void verifiedAcksSettleFramesRecordLatencyAndStopResends() throws Exception {
        AgentShapeOutbox box = new AgentShapeOutbox(new SplittableRandom(2), 1000);
        AgentSession s = session(box, 40);
        s.pass(50 * MS, true);
        List<String> ids = brainReads().stream().filter(f -> f.type() == FrameType.EVENT_BATCH).map(Frame::id).toList();
        assertThat(ids).hasSize(2);

        s.onMessage(ack(ids.get(0)), 80 * MS);
        s.onMessage(ack(ids.get(0)), 81 * MS); // the brain acks every copy; the second settles nothing
        assertThat(metrics.eventsAcked.sum()).isEqualTo(1);
        assertThat(metrics.duplicateAcks.sum()).isEqualTo(1);
        assertThat(metrics.ackLatency.getIntervalHistogram().getMaxValue()).isBetween(29_000L, 31_000L);

        s.pass(100 * MS, false); // drain pass: no new events, the un-acked one is re-sent (re-signed)
        List<Frame> resent = brainReads().stream().filter(f -> f.type() == FrameType.EVENT_BATCH).toList();
        assertThat(resent).extracting(Frame::id).containsExactly(ids.get(1));
        assertThat(metrics.framesResent.sum()).isEqualTo(1);
        assertThat(metrics.unackedEvents()).isEqualTo(1);
    }

    @Test
    void aForgedBrainFrameIsASessionFailure() {
        AgentSession s = session(new AgentShapeOutbox(new SplittableRandom(3), 1000), 10);
        byte[] other = new byte[32];
        byte[] forged = new FrameSigner(other, BINDING)
                .sign(Frame.outbound("eba_x", new Frame.EventBatchAck("ev_000000000001", 1, 1, 0)));
        assertThatThrownBy(() -> s.onMessage(forged, 0)).isInstanceOf(AgentSession.SessionFailure.class)
                .hasMessageContaining("verification");
        assertThat(metrics.verifyFailures.sum()).isEqualTo(1);
    }

    @Test
    void commandsGetAckThenSuccessResultAndARepeatIsOnlyAcked() throws Exception {
        AgentSession s = session(null, 0);
        String id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        byte[] cmd = brainSigner.sign(Frame.outbound(id, new Frame.Command("retry_task",
                Map.of("type", "task", "id", "celery:1"), Map.of("task_id", "1"), 60, null)));
        s.onMessage(cmd, 0);
        s.pass(0, true);
        List<Frame> frames = brainReads();
        assertThat(frames).extracting(Frame::type).containsExactly(FrameType.COMMAND_ACK, FrameType.COMMAND_RESULT,
                FrameType.HEARTBEAT, FrameType.AGENT_STATUS);
        assertThat(frames.get(0).id()).isEqualTo(id);
        Frame.CommandResult result = (Frame.CommandResult) frames.get(1).payload();
        assertThat(result.status()).isEqualTo("success");
        assertThat(metrics.commandRtt.getIntervalHistogram().getTotalCount()).isEqualTo(1);

        byte[] again = brainSigner.sign(Frame.outbound(id, new Frame.Command("retry_task",
                Map.of("type", "task", "id", "celery:1"), Map.of(), 60, null)));
        s.onMessage(again, 1);
        s.pass(1 * MS, true);
        assertThat(brainReads()).extracting(Frame::type).containsExactly(FrameType.COMMAND_ACK);
    }

    @Test
    void idleSessionsHeartbeatOnTheHelloAckInterval() throws Exception {
        AgentSession s = session(null, 0);
        s.pass(0, true);
        assertThat(brainReads()).extracting(Frame::type).containsExactly(FrameType.HEARTBEAT, FrameType.AGENT_STATUS);
        s.pass(9_999 * MS, true);
        assertThat(brainReads()).isEmpty();
        s.pass(10_000 * MS, true);
        assertThat(brainReads()).extracting(Frame::type).containsExactly(FrameType.HEARTBEAT, FrameType.AGENT_STATUS);
        assertThat(metrics.eventsSent.sum()).isZero();
    }
}
