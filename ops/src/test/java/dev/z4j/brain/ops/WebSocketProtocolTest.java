package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.SessionBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket layer as a raw client sees it (frames written by hand): pings, bad opcodes, bad
 * UTF-8, fragmentation, size limits, and peers that vanish without a close frame.
 */
class WebSocketProtocolTest {
    @TempDir
    static Path home;
    static BrainFixture brain;
    /** The port agents upgrade on: the HTTP port here, Z4J_AGENT_PORT in {@link AgentPortProtocolTest}. */
    static int agentSockets;

    @BeforeAll
    static void startBrain() throws Exception {
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, Map.of());
        agentSockets = brain.port();
    }

    @AfterAll
    static void stopBrain() {
        brain.close();
    }

    /** A raw agent socket past hello/hello_ack, with what it needs to sign frames. */
    record RawAgent(RawWebSocket ws, TestAgent creds, Frame.HelloAck helloAck) {
        FrameSigner signer() {
            return new FrameSigner(creds.projectSecret,
                    new SessionBinding(helloAck.agentId(), helloAck.projectId(), helloAck.sessionId()));
        }

        FrameVerifier verifier() {
            return new FrameVerifier(creds.projectSecret,
                    new SessionBinding(helloAck.agentId(), helloAck.projectId(), helloAck.sessionId()),
                    ReplayGuard.systemClock());
        }
    }

    static RawAgent rawAgent(String name) throws Exception {
        TestAgent creds = brain.newAgent(name);
        RawWebSocket ws = RawWebSocket.open(agentSockets, "/ws/agent", "Bearer " + creds.token);
        ws.send(RawWebSocket.BINARY, true, creds.helloBytes("2"));
        return helloAcked(ws, creds);
    }

    static RawAgent helloAcked(RawWebSocket ws, TestAgent creds) throws Exception {
        RawWebSocket.Frame first = ws.read();
        Frame ack = FrameVerifier.parseUnsigned(first.payload());
        assertThat(ack.type()).isEqualTo(FrameType.HELLO_ACK);
        return new RawAgent(ws, creds, (Frame.HelloAck) ack.payload());
    }

    @Test
    void pingsGetAPongWithTheSamePayloadOnAgentAndDashboardSockets() throws Exception {
        byte[] payload = "keepalive-\u00e9-42".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket agent = rawAgent("pinged").ws()) {
            agent.send(RawWebSocket.PING, true, payload);
            RawWebSocket.Frame pong = agent.readUntil(RawWebSocket.PONG);
            assertThat(pong.payload()).isEqualTo(payload);
            agent.send(RawWebSocket.PING, true, new byte[0]);
            assertThat(agent.readUntil(RawWebSocket.PONG).payload()).isEmpty();
        }
        try (RawWebSocket dashboard = RawWebSocket.open(brain.port(), "/ws/dashboard", "Bearer " + brain.adminKey())) {
            dashboard.send(RawWebSocket.PING, true, payload);
            assertThat(dashboard.readUntil(RawWebSocket.PONG).payload()).isEqualTo(payload);
        }
    }

    @Test
    void aBadUpgradeGetsAPreciseHttpStatus() throws Exception {
        assertThat(httpHead(agentSockets, "GET /ws/agent HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"))
                .startsWith("HTTP/1.1 426 ").contains("Sec-WebSocket-Version: 13");
        assertThat(httpHead(brain.port(), "GET /ws/dashboard HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
    }

    static String httpHead(int port, String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // server closes
        }
    }

    @Test
    void anUnknownOpcodeClosesWith1002() throws Exception {
        double before = brain.metric("z4j_frames_rejected_total{reason=\"bad_opcode\"}");
        try (RawWebSocket agent = rawAgent("odd-opcode").ws()) {
            agent.sendRawFrame(0x83, "{}".getBytes(StandardCharsets.UTF_8)); // FIN + reserved data opcode 3
            RawWebSocket.Frame close = agent.readUntil(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(close.text()).contains("unknown opcode 0x3");
            agent.send(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xEA});
            assertThat(agent.serverClosed()).isTrue(); // and nothing but frames before the end
        }
        assertThat(brain.metric("z4j_frames_rejected_total{reason=\"bad_opcode\"}")).isGreaterThan(before);
        assertThat(brain.metric("z4j_agent_closes_total{code=\"1002\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void invalidUtf8InATextMessageClosesWith1007() throws Exception {
        try (RawWebSocket agent = rawAgent("latin1").ws()) {
            agent.send(RawWebSocket.TEXT, true, new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', '}'});
            assertThat(agent.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1007);
        }
        assertThat(brain.metric("z4j_frames_rejected_total{reason=\"bad_utf8\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aCharacterSplitAcrossTextFragmentsArrivesWhole() throws Exception {
        RawAgent agent = rawAgent("fragmenter");
        try (RawWebSocket ws = agent.ws()) {
            Map<String, Object> event = TestAgent.taskEvent("caf\u00e9-task", "task.received", Instant.now(),
                    Map.of("task_name", "app.tasks.caf\u00e9"));
            byte[] signed = agent.signer().sign(Frame.outbound("ev_split", new Frame.EventBatch(List.of(event))));
            int split = indexOf(signed, new byte[] {(byte) 0xC3, (byte) 0xA9}) + 1; // between the two bytes of é
            ws.send(RawWebSocket.TEXT, false, Arrays.copyOfRange(signed, 0, split));
            ws.send(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(signed, split, signed.length));

            Frame ack = agent.verifier().verify(ws.readUntil(RawWebSocket.BINARY).payload());
            assertThat(ack.payload()).isEqualTo(new Frame.EventBatchAck("ev_split", 1, 1, 0));
        }
        assertThat(brain.count("SELECT count(*) FROM events WHERE task_id = 'caf\u00e9-task'")).isEqualTo(1);
    }

    @Test
    void aBatchLargerThanAnyReadBufferArrivesWhole() throws Exception {
        RawAgent agent = rawAgent("big-batch");
        try (RawWebSocket ws = agent.ws()) {
            List<Map<String, Object>> events = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) { // about 100 KB: a 64-bit length, many socket reads
                events.add(TestAgent.taskEvent("big-" + agentSockets + "-" + i, "task.received", Instant.now(),
                        Map.of("task_name", "app.tasks.big", "args", "x".repeat(150))));
            }
            byte[] signed = agent.signer().sign(Frame.outbound("ev_big", new Frame.EventBatch(events)));
            assertThat(signed.length).isGreaterThan(65_535);
            ws.send(RawWebSocket.BINARY, true, signed);
            Frame ack = agent.verifier().verify(ws.readUntil(RawWebSocket.BINARY).payload());
            assertThat(ack.payload()).isEqualTo(new Frame.EventBatchAck("ev_big", 400, 400, 0));
        }
        assertThat(brain.count("SELECT count(*) FROM events WHERE task_id LIKE 'big-" + agentSockets + "-%'"))
                .isEqualTo(400);
    }

    @Test
    void aMessageOverTheLimitIs4400WholeOrInFragments() throws Exception {
        double before = brain.metric("z4j_frames_rejected_total{reason=\"oversize\"}");
        byte[] huge = new byte[2 * 1_048_576 + 10]; // over twice the limit: refused before it is read
        Arrays.fill(huge, (byte) ' ');
        try (RawWebSocket agent = rawAgent("whole").ws()) {
            agent.send(RawWebSocket.BINARY, true, huge);
            assertThat(agent.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(4400);
        }
        byte[] part = new byte[600_000];
        Arrays.fill(part, (byte) ' ');
        try (RawWebSocket agent = rawAgent("pieces").ws()) {
            agent.send(RawWebSocket.BINARY, false, part);
            agent.send(RawWebSocket.CONTINUATION, true, part); // 1 200 000 bytes in all
            assertThat(agent.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(4400);
        }
        assertThat(brain.metric("z4j_frames_rejected_total{reason=\"oversize\"}")).isEqualTo(before + 2);
    }

    @Test
    void aResetSocketIsOfflineAtOnce() throws Exception {
        RawAgent agent = rawAgent("reset");
        awaitWorkersOnline(1);
        double sockets = brain.metric("z4j_agent_connections");
        agent.ws().reset();
        awaitGone(sockets);
    }

    @Test
    void aStreamEndingWithoutACloseFrameIsOfflineAtOnce() throws Exception {
        RawAgent agent = rawAgent("fin");
        awaitWorkersOnline(1);
        double sockets = brain.metric("z4j_agent_connections");
        agent.ws().finWithoutClose();
        awaitGone(sockets);
        assertThat(agent.ws().serverClosed()).isTrue();
        agent.ws().close();
    }

    /** Far inside the 90 s idle timeout that used to be the only way such a socket was noticed. */
    private static void awaitGone(double socketsBefore) throws Exception {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(brain.metric("z4j_agent_connections")).isEqualTo(socketsBefore - 1);
            assertThat(brain.stats().get("agent_workers_online").asLong()).isZero();
        });
        assertThat(brain.metric("z4j_agent_closes_total{code=\"1006\"}")).isGreaterThanOrEqualTo(1);
    }

    private static void awaitWorkersOnline(long n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> brain.stats().get("agent_workers_online").asLong() == n);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
