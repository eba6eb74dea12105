package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.protocol.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One agent worker of a connect storm, on its own virtual thread with a blocking socket (cheap
 * enough for 10,000 in one process): upgrade, hello, hello_ack, then held open with heartbeats
 * until the run stops. When the brain goes away it reconnects the way z4j-bare does: after 1 s,
 * doubling up to 30 s, plus up to 30% jitter, reset by a successful connect.
 */
final class StormSocket implements Runnable {
    static final long FLOOR_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long CAP_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final double JITTER = 0.3;
    private static final int TIMEOUT_MS = 10_000;
    private static final int POLL_MS = 1_000;

    private final StormRun run;
    private final AgentCredentials agent;
    private final String workerId;
    private final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
    private volatile Socket socket;
    /** nanoTime of the first hello_ack, or 0. */
    volatile long firstAckedNanos;

    StormSocket(StormRun run, AgentCredentials agent, String workerId) {
        this.run = run;
        this.agent = agent;
        this.workerId = workerId;
    }

    @Override
    public void run() {
        long backoff = FLOOR_NANOS;
        while (!run.stopped()) {
            Session s = null;
            try {
                s = connect();
            } catch (IOException | RuntimeException e) {
                if (!run.stopped()) {
                    run.failed(workerId + ": " + e.getMessage()); // refused, reset, timed out: try again later
                }
            }
            if (s != null) {
                backoff = FLOOR_NANOS;
                run.opened(this);
                try {
                    hold(s);
                } catch (IOException | RuntimeException e) {
                    run.dropped(e.getMessage()); // e.g. 1001 from a brain going down
                } finally {
                    run.closed();
                }
            }
            closeQuietly();
            if (!run.stopped()) {
                long wait = backoff + (long) (random.nextDouble() * JITTER * backoff);
                backoff = Math.min(CAP_NANOS, backoff * 2);
                try {
                    run.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    void stop() {
        closeQuietly();
    }

    private void closeQuietly() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
    }

    private record Session(InputStream in, OutputStream out, WsFrames.Decoder decoder, FrameSigner signer,
                           long heartbeatNanos) {}

    private Session connect() throws IOException {
        run.attempt();
        URI url = run.url();
        Socket s = new Socket();
        socket = s;
        int port = url.getPort() > 0 ? url.getPort() : 80;
        s.connect(new InetSocketAddress(url.getHost(), port), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        out.write(("GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer " + agent.token()
                + "\r\nUser-Agent: z4j-loadgen storm\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer leftover = readUpgradeResponse(in, key);
        WsFrames.Decoder decoder = new WsFrames.Decoder(1 << 20);
        out.write(WsFrames.clientFrame(WsFrames.OP_BINARY, FrameSigner.unsigned(new Frame(FrameType.HELLO,
                "hello_" + Long.toHexString(random.nextLong()), null, null, null, null,
                new Frame.Hello("2", "1.6.7", "bare", List.of("celery"), List.of(),
                        Map.of("celery", List.of("cancel_task")), Map.of("name", "loadgen-storm"), workerId,
                        "task", ProcessHandle.current().pid(), Timestamps.format(Instant.now())))), random));
        List<WsFrames.Inbound> frames = new ArrayList<>();
        feed(decoder, leftover, frames);
        byte[] buf = new byte[4096];
        while (true) {
            for (WsFrames.Inbound f : frames) {
                if (f.opcode() == WsFrames.OP_CLOSE) {
                    throw new IOException("closed with " + f.closeCode() + " before hello_ack: " + f.closeReason());
                }
                if (f.opcode() == WsFrames.OP_BINARY || f.opcode() == WsFrames.OP_TEXT) {
                    Frame first = FrameVerifier.parseUnsigned(f.payload());
                    if (!(first.payload() instanceof Frame.HelloAck ack)) {
                        throw new IOException("first brain frame was " + first.type().wire() + ", not hello_ack");
                    }
                    byte[] secret = Secrets.decodeAgentHmacSecret(agent.hmacSecret());
                    SessionBinding binding = new SessionBinding(ack.agentId(), ack.projectId(), ack.sessionId());
                    return new Session(in, out, decoder, new FrameSigner(secret, binding),
                            TimeUnit.SECONDS.toNanos(ack.heartbeatIntervalSeconds()));
                }
            }
            frames.clear();
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed before hello_ack");
            }
            feed(decoder, ByteBuffer.wrap(buf, 0, n), frames);
        }
    }

    /** Reads and checks the 101 answer; returns frame bytes that came with it. */
    private static ByteBuffer readUpgradeResponse(InputStream in, String key) throws IOException {
        byte[] head = new byte[8192];
        int len = 0;
        while (true) {
            int n = in.read(head, len, head.length - len);
            if (n < 0) {
                throw new IOException("connection closed during the upgrade");
            }
            len += n;
            for (int i = 3; i < len; i++) {
                if (head[i - 3] == '\r' && head[i - 2] == '\n' && head[i - 1] == '\r' && head[i] == '\n') {
                    String text = new String(head, 0, i - 3, StandardCharsets.ISO_8859_1);
                    String status = text.lines().findFirst().orElse("");
                    if (!status.startsWith("HTTP/1.1 101")) {
                        throw new IOException("upgrade refused: " + status);
                    }
                    if (!text.contains(WsUpgrade.expectedAccept(key))) {
                        throw new IOException("wrong Sec-WebSocket-Accept");
                    }
                    return ByteBuffer.wrap(head, i + 1, len - i - 1);
                }
            }
            if (len == head.length) {
                throw new IOException("upgrade response headers over " + head.length + " bytes");
            }
        }
    }

    private static void feed(WsFrames.Decoder decoder, ByteBuffer data, List<WsFrames.Inbound> out)
            throws IOException {
        try {
            decoder.feed(data, out);
        } catch (WsFrames.FramingException e) {
            throw new IOException("bad frame from the brain: " + e.getMessage());
        }
    }

    /** Heartbeats on time, pings answered, until the brain closes or the run stops. */
    private void hold(Session s) throws IOException {
        socket.setSoTimeout(POLL_MS);
        long nextHeartbeat = System.nanoTime(); // z4j-bare sends its first right after hello_ack
        byte[] buf = new byte[1024];
        List<WsFrames.Inbound> frames = new ArrayList<>();
        while (!run.stopped()) {
            long now = System.nanoTime();
            if (now - nextHeartbeat >= 0) {
                byte[] wire = s.signer().sign(StatusFrames.heartbeat(0, null, ThreadLocalRandom.current()));
                s.out().write(WsFrames.clientFrame(WsFrames.OP_BINARY, wire, random));
                nextHeartbeat = now + s.heartbeatNanos();
            }
            int n;
            try {
                n = s.in().read(buf);
            } catch (SocketTimeoutException quiet) {
                continue;
            }
            if (n < 0) {
                throw new IOException("connection closed by the brain without a close frame");
            }
            feed(s.decoder(), ByteBuffer.wrap(buf, 0, n), frames);
            for (WsFrames.Inbound f : frames) {
                if (f.opcode() == WsFrames.OP_PING) {
                    s.out().write(WsFrames.clientFrame(WsFrames.OP_PONG, f.payload(), random));
                } else if (f.opcode() == WsFrames.OP_CLOSE) {
                    s.out().write(WsFrames.clientFrame(WsFrames.OP_CLOSE, WsFrames.closePayload(f.closeCode(), ""),
                            random));
                    throw new IOException("closed by the brain with " + f.closeCode());
                }
            }
            frames.clear();
        }
    }
}
