package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.FrameType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every check of {@link WebSocketProtocolTest} again with agents on Z4J_AGENT_PORT, where /ws/agent
 * runs on a socket of our own instead of Helidon's, and the HTTP edge of that port: anything but an
 * upgrade to /ws/agent gets a precise status, a request head must be complete in time and in size.
 */
class AgentPortProtocolTest extends WebSocketProtocolTest {
    @TempDir
    static Path agentPortHome;

    @BeforeAll
    static void startBrain() throws Exception { // hides the HTTP port's: this class's brain has an agent port
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, agentPortHome,
                Map.of("Z4J_AGENT_PORT", "0", "Z4J_HTTP_HEADER_TIMEOUT_SECONDS", "1"));
        agentSockets = brain.agentPort();
        assertThat(agentSockets).isPositive().isNotEqualTo(brain.port());
    }

    @Test
    void anythingButAnAgentUpgradeGetsAPreciseStatus() throws Exception {
        double notFound = brain.metric("z4j_http_requests_refused_total{reason=\"not_found\"}");
        double bad = brain.metric("z4j_http_requests_refused_total{reason=\"bad_request\"}");
        assertThat(httpHead(agentSockets, "GET /api/v1/projects HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 404 ").contains("this port serves only WebSocket upgrades to /ws/agent");
        assertThat(httpHead(agentSockets, "GET /ws/dashboard HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"))
                .startsWith("HTTP/1.1 404 ");
        assertThat(httpHead(agentSockets, "HELLO\r\n\r\n")).startsWith("HTTP/1.1 400 ").contains("not an HTTP/1.1 request head");
        assertThat(httpHead(agentSockets, "GET /ws/agent HTTP/1.1\r\nHost: x\r\n folded: line\r\n\r\n"))
                .as("an obsolete line fold").startsWith("HTTP/1.1 400 ");
        assertThat(httpHead(agentSockets, "GET /ws/agent HTTP/1.1\r\nHost: x\r\n\r\n"))
                .as("a plain GET of the agent path").startsWith("HTTP/1.1 400 ").contains("Connection: Upgrade");
        assertThat(brain.metric("z4j_http_requests_refused_total{reason=\"not_found\"}")).isEqualTo(notFound + 2);
        assertThat(brain.metric("z4j_http_requests_refused_total{reason=\"bad_request\"}")).isEqualTo(bad + 2);
    }

    @Test
    void anUpgradeWithoutAValidTokenIsClosedWith4401LikeOnTheHttpPort() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(agentSockets, "/ws/agent", "Bearer not-a-token")) {
            RawWebSocket.Frame close = ws.readUntil(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(4401);
        }
    }

    @Test
    void aRequestHeadOverSixteenKibIs431() throws Exception {
        String big = "GET /ws/agent HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(17 * 1024) + "\r\n\r\n";
        assertThat(httpHead(agentSockets, big)).startsWith("HTTP/1.1 431 ");
    }

    @Test
    void aRequestHeadThatDoesNotArriveInTimeEndsTheConnection() throws Exception {
        double before = brain.metric("z4j_http_requests_refused_total{reason=\"header_timeout\"}");
        try (Socket s = new Socket("127.0.0.1", agentSockets)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /ws/agent HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            InputStream in = s.getInputStream();
            assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(500),
                    Duration.ofSeconds(5));
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                brain.metric("z4j_http_requests_refused_total{reason=\"header_timeout\"}") == before + 1);
    }

    @Test
    void framesSentRightBehindTheUpgradeRequestAreRead() throws Exception {
        TestAgent creds = brain.newAgent("eager");
        byte[] hello = RawWebSocket.maskedFrame(0x80 | RawWebSocket.BINARY, creds.helloBytes("2"));
        try (RawWebSocket ws = RawWebSocket.open(agentSockets, "/ws/agent", "Bearer " + creds.token, hello)) {
            assertThat(FrameVerifier.parseUnsigned(ws.read().payload()).type()).isEqualTo(FrameType.HELLO_ACK);
        }
    }

    @Test
    void aStoppingBrainClosesAgentPortSocketsWith1001AndTheirPortWithThem(@TempDir Path other) throws Exception {
        BrainFixture stopping = BrainFixture.start(BrainFixture.Db.SQLITE, other, Map.of("Z4J_AGENT_PORT", "0"));
        int port = stopping.agentPort();
        TestAgent creds = stopping.newAgent("leaving");
        RawWebSocket ws = RawWebSocket.open(port, "/ws/agent", "Bearer " + creds.token);
        ws.send(RawWebSocket.BINARY, true, creds.helloBytes("2"));
        assertThat(FrameVerifier.parseUnsigned(ws.read().payload()).type()).isEqualTo(FrameType.HELLO_ACK);
        Thread closer = Thread.startVirtualThread(stopping::close);
        assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1001);
        ws.send(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xE9}); // the agent answers, as z4j agents do
        closer.join(Duration.ofSeconds(30));
        assertThat(closer.isAlive()).isFalse();
        ws.close();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens any more")
                .isInstanceOf(java.net.ConnectException.class);
    }
}
