package dev.z4j.brain.ops;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.protocol.Timestamps;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A z4j agent for tests, built on the protocol module: bearer auth, hello, signed frames, and
 * verification of every brain frame (so a wrong seq order or bad signature from the brain fails
 * the test). Uses the JDK's WebSocket client against a real server on loopback.
 */
final class TestAgent implements AutoCloseable {
    final String agentId;
    final String token;
    final byte[] projectSecret;
    final String workerId;

    private final HttpClient http = HttpClient.newHttpClient();
    private final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final Map<String, List<Frame.EventBatchAck>> acks = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Frame> commands = new CopyOnWriteArrayList<>();
    private volatile boolean answerCommands = true;
    private WebSocket ws;
    private FrameSigner signer;
    private FrameVerifier verifier;
    private Frame.HelloAck helloAck;
    private Thread reader;

    TestAgent(String agentId, String token, String hmacSecret, String workerId) {
        this.agentId = agentId;
        this.token = token;
        this.projectSecret = Secrets.decodeAgentHmacSecret(hmacSecret);
        this.workerId = workerId;
    }

    /** Opens the socket; does not send hello. */
    TestAgent connect(int port) {
        return connect(port, "Bearer " + token);
    }

    TestAgent connect(int port, String authorization) {
        return connect(http, URI.create("ws://127.0.0.1:" + port + "/ws/agent"), authorization);
    }

    /** Connects to any URI (e.g. {@code wss://localhost:8443/ws/agent} through a TLS proxy). */
    TestAgent connect(HttpClient client, URI uri, String authorization) {
        WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        ws = b.buildAsync(uri, new Listener()).join();
        return this;
    }

    /** Sends hello, waits for hello_ack, and starts verifying brain frames. */
    TestAgent handshake() throws Exception {
        sendRaw(helloBytes("2"));
        byte[] first = inbound.poll(10, TimeUnit.SECONDS);
        if (first == null) {
            throw new IllegalStateException("no hello_ack within 10 s (close code " + closeCode.getNow(null) + ")");
        }
        Frame ack = FrameVerifier.parseUnsigned(first);
        if (ack.type() != FrameType.HELLO_ACK) {
            throw new IllegalStateException("first frame was " + ack.type());
        }
        helloAck = (Frame.HelloAck) ack.payload();
        SessionBinding binding = new SessionBinding(helloAck.agentId(), helloAck.projectId(), helloAck.sessionId());
        signer = new FrameSigner(projectSecret, binding);
        verifier = new FrameVerifier(projectSecret, binding, ReplayGuard.systemClock());
        reader = Thread.startVirtualThread(this::readBrainFrames);
        return this;
    }

    byte[] helloBytes(String protocolVersion) {
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("celery", List.of("cancel_task", "retry_task"));
        return FrameSigner.unsigned(new Frame(FrameType.HELLO, "hello_" + UUID.randomUUID().toString().substring(0, 16),
                null, null, null, null, new Frame.Hello(protocolVersion, "1.6.7", "bare", List.of("celery"), List.of(),
                caps, Map.of("name", "test-host"), workerId, "task", 4242L, Timestamps.format(Instant.now()))));
    }

    Frame.HelloAck helloAck() {
        return helloAck;
    }

    private void readBrainFrames() {
        try {
            while (true) {
                byte[] msg = inbound.take();
                if (msg.length == 0) {
                    return; // poison pill: socket closed
                }
                try {
                    Frame f = verifier.verify(msg);
                    if (f.payload() instanceof Frame.EventBatchAck a) {
                        acks.computeIfAbsent(a.ackedId(), k -> new CopyOnWriteArrayList<>()).add(a);
                    } else if (f.payload() instanceof Frame.Command c) {
                        commands.add(f);
                        if (answerCommands) {
                            send(Frame.outbound(f.id(), new Frame.CommandAck(Map.of())));
                            send(Frame.outbound(f.id(), new Frame.CommandResult("success",
                                    Map.of("action", c.action()), null)));
                        }
                    }
                } catch (RuntimeException e) {
                    errors.add(e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Signs and sends one frame (seq/nonce/ts fresh, as a real agent re-signs every resend). One lock
     * for sign + send: the brain rejects a seq lower than one it already saw.
     */
    synchronized void send(Frame frame) {
        sendRaw(signer.sign(frame));
    }

    void sendBatch(String batchId, List<Map<String, Object>> events) {
        send(Frame.outbound(batchId, new Frame.EventBatch(events)));
    }

    void sendHeartbeat() {
        sendHeartbeat(Map.of("celery.workers", "1"));
    }

    /** A heartbeat with this adapter_health (string keys; values as a z4j agent sends them). */
    void sendHeartbeat(Map<String, Object> adapterHealth) {
        send(Frame.outbound("hb_" + UUID.randomUUID().toString().substring(0, 12),
                new Frame.Heartbeat(0, null, 0, adapterHealth)));
    }

    synchronized void sendRaw(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    synchronized void sendText(String text) {
        ws.sendText(text, true).join();
    }

    FrameSigner signer() {
        return signer;
    }

    /** A second signer for this session with its own clock and seq (to forge stale or replayed frames). */
    FrameSigner signerWithClock(java.time.Clock clock) {
        SessionBinding binding = new SessionBinding(helloAck.agentId(), helloAck.projectId(), helloAck.sessionId());
        return new FrameSigner(projectSecret, binding, clock, FrameSigner::randomNonce);
    }

    /** Acks received for a batch id (every copy gets one). */
    List<Frame.EventBatchAck> acksFor(String batchId) {
        return acks.getOrDefault(batchId, List.of());
    }

    Map<String, List<Frame.EventBatchAck>> acks() {
        return acks;
    }

    List<String> errors() {
        return errors;
    }

    /** Commands received (verified); by default each is answered with command_ack + success result. */
    List<Frame> commands() {
        return commands;
    }

    TestAgent silent() {
        answerCommands = false;
        return this;
    }

    CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    boolean isClosed() {
        return closeCode.isDone();
    }

    /** After the socket closed: waits until every frame received before the close was processed. */
    void awaitInboundProcessed() throws InterruptedException {
        if (reader != null) {
            reader.join(Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(1000, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                ws.abort();
            }
        }
        if (reader != null) {
            reader.interrupt();
        }
    }

    /** Drops the TCP connection without a close handshake (an agent process dying). */
    void abort() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                inbound.add(partial.toByteArray());
                partial.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.writeBytes(data.toString().getBytes(StandardCharsets.UTF_8));
            if (last) {
                inbound.add(partial.toByteArray());
                partial.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            inbound.add(new byte[0]);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
            inbound.add(new byte[0]);
        }
    }

    // ------------------------------------------------------------------ event builders

    /** A Celery-like task event as z4j-bare ships it. */
    static Map<String, Object> taskEvent(String taskId, String kind, Instant occurredAt, Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", UUID.randomUUID().toString());
        e.put("kind", kind);
        e.put("engine", "celery");
        e.put("task_id", taskId);
        e.put("occurred_at", Timestamps.isoformatUtc(occurredAt));
        e.put("data", data);
        return e;
    }

    static List<Map<String, Object>> lifecycle(String taskId, Instant t0) {
        List<Map<String, Object>> events = new ArrayList<>();
        Map<String, Object> received = new LinkedHashMap<>();
        received.put("task_name", "app.tasks.add");
        received.put("queue", "default");
        received.put("args", List.of(1L, 2L));
        received.put("kwargs", Map.of());
        events.add(taskEvent(taskId, "task.received", t0, received));
        Map<String, Object> started = new LinkedHashMap<>();
        started.put("task_name", "app.tasks.add");
        started.put("queue", "default");
        started.put("worker", "celery@host1");
        events.add(taskEvent(taskId, "task.started", t0.plusMillis(10), started));
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("task_name", "app.tasks.add");
        done.put("worker", "celery@host1");
        done.put("result", 3L);
        done.put("runtime_ms", 12L);
        events.add(taskEvent(taskId, "task.succeeded", t0.plusSeconds(1), done));
        return events;
    }
}
