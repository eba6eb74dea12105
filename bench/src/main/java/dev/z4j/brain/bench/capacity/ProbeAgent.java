package dev.z4j.brain.bench.capacity;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FramePeek;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The smallest z4j agent that can take part in the latency probes: hello, signed frames, every brain
 * frame verified, and each {@code command} stamped with its arrival time (System.nanoTime) the moment
 * its bytes are complete, then answered with command_ack + a success result as z4j-bare does.
 */
final class ProbeAgent implements WebSocket.Listener, AutoCloseable {
    private final byte[] projectSecret;
    private final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> commandArrivals = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final WebSocket ws;
    private FrameSigner signer;
    private FrameVerifier verifier;
    private volatile String error;

    private ProbeAgent(String wsUrl, String token, String hmacSecret) {
        this.projectSecret = Secrets.decodeAgentHmacSecret(hmacSecret);
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(wsUrl + "/ws/agent"), this).join();
    }

    static ProbeAgent connect(String wsUrl, String token, String hmacSecret, String workerId) throws Exception {
        ProbeAgent a = new ProbeAgent(wsUrl, token, hmacSecret);
        a.handshake(workerId);
        return a;
    }

    private void handshake(String workerId) throws InterruptedException {
        Frame hello = new Frame(FrameType.HELLO, "hello_" + UUID.randomUUID().toString().substring(0, 16), null, null,
                null, null, new Frame.Hello("2", "1.6.7", "bare", List.of("celery"), List.of(),
                Map.of("celery", List.of("cancel_task", "retry_task")), Map.of("name", "capacity-probe"), workerId,
                "task", ProcessHandle.current().pid(), Timestamps.format(Instant.now())));
        sendRaw(FrameSigner.unsigned(hello));
        byte[] first = inbound.poll(10, TimeUnit.SECONDS);
        if (first == null) {
            throw new IllegalStateException("probe agent: no hello_ack within 10 s");
        }
        Frame.HelloAck ack = (Frame.HelloAck) FrameVerifier.parseUnsigned(first).payload();
        SessionBinding binding = new SessionBinding(ack.agentId(), ack.projectId(), ack.sessionId());
        signer = new FrameSigner(projectSecret, binding);
        verifier = new FrameVerifier(projectSecret, binding, ReplayGuard.systemClock());
        Thread.startVirtualThread(this::readBrainFrames);
    }

    private void readBrainFrames() {
        try {
            while (true) {
                byte[] msg = inbound.take();
                if (msg.length == 0) {
                    return; // closed
                }
                Frame f = verifier.verify(msg);
                if (f.payload() instanceof Frame.Command c) {
                    send(Frame.outbound(f.id(), new Frame.CommandAck(Map.of())));
                    send(Frame.outbound(f.id(), new Frame.CommandResult("success", Map.of("action", c.action()), null)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            error = e.toString();
        }
    }

    /** Arrival time (nanoTime) of the next command frame, or null after {@code timeout}. */
    Long nextCommandArrival(Duration timeout) throws InterruptedException {
        return commandArrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendBatch(List<Map<String, Object>> events) {
        send(Frame.outbound("batch_" + UUID.randomUUID().toString().substring(0, 16), new Frame.EventBatch(events)));
    }

    String error() {
        return error;
    }

    /** Sign and send under one lock: the brain refuses a seq lower than one it has seen. */
    private synchronized void send(Frame frame) {
        sendRaw(signer.sign(frame));
    }

    private synchronized void sendRaw(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        return onBytes(webSocket, data, last);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        return onBytes(webSocket, java.nio.charset.StandardCharsets.UTF_8.encode(data.toString()), last);
    }

    private CompletionStage<?> onBytes(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partial.writeBytes(b);
        if (last) {
            byte[] msg = partial.toByteArray();
            partial.reset();
            // Stamp commands here, before verification, so the figure is network + brain time only.
            if (verifier != null && containsCommandType(msg)) {
                commandArrivals.add(System.nanoTime());
            }
            inbound.add(msg);
        }
        webSocket.request(1);
        return null;
    }

    private static boolean containsCommandType(byte[] msg) {
        FramePeek.Envelope e = FramePeek.envelope(msg, 0, msg.length);
        return e != null && FrameType.COMMAND.wire().equals(e.type());
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        inbound.add(new byte[0]);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error = e.toString();
        inbound.add(new byte[0]);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
