package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.protocol.Timestamps;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal brain for one agent connection over a plain blocking socket: checks the bearer,
 * answers the upgrade and hello, verifies every agent frame, and acks the first copy of each
 * event_batch (signed, on its own writer thread so a client that does not read never blocks the
 * reader). Reading can be paused and resumed, which is how a brain can make a client's writes block.
 */
final class FakeBrain implements AutoCloseable {
    static final String TOKEN = "fake-token";

    final byte[] secret = new byte[32];
    final Set<String> batches = ConcurrentHashMap.newKeySet();
    final AtomicInteger eventBatchFrames = new AtomicInteger();
    final AtomicInteger heartbeats = new AtomicInteger();
    final AtomicInteger agentStatuses = new AtomicInteger();
    final AtomicInteger acksWritten = new AtomicInteger();
    final AtomicInteger sessions = new AtomicInteger();
    final List<String> errors = new CopyOnWriteArrayList<>();

    private final ServerSocket server;
    private final long heartbeatIntervalSeconds;
    private final boolean forgeFirstSession;
    private volatile CountDownLatch readGate = new CountDownLatch(0);
    private volatile Socket socket;
    private final Thread acceptor;

    FakeBrain(long heartbeatIntervalSeconds) throws IOException {
        this(heartbeatIntervalSeconds, false);
    }

    /** @param forgeFirstSession send a command signed with the wrong secret right after the first hello_ack */
    FakeBrain(long heartbeatIntervalSeconds, boolean forgeFirstSession) throws IOException {
        new SecureRandom().nextBytes(secret);
        this.heartbeatIntervalSeconds = heartbeatIntervalSeconds;
        this.forgeFirstSession = forgeFirstSession;
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("fake-brain").start(this::serve);
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws/agent");
    }

    String hmacSecret() {
        return Secrets.agentHmacSecret(secret);
    }

    /** Stop reading the socket: the client's frames pile up in the kernel buffers. */
    void pauseReading() {
        readGate = new CountDownLatch(1);
    }

    void resumeReading() {
        readGate.countDown();
    }

    /** One connection at a time, as long as the server is open (an agent that reconnects comes back here). */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                socket = s;
                session(s, sessions.incrementAndGet());
            } catch (IOException e) {
                // server closed, or the client went away
            }
        }
    }

    private void session(Socket s, int number) {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String request = readHeaders(in);
            if (!request.contains("\r\nAuthorization: Bearer " + TOKEN + "\r\n")) {
                out.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String key = request.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow()
                    .substring("Sec-WebSocket-Key: ".length());
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WsUpgrade.expectedAccept(key) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream data = new DataInputStream(in);
            byte[] first = readMessage(data);
            Frame hello = FrameVerifier.parseHello(first, 0, first.length);
            SessionBinding binding = new SessionBinding(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                    UUID.randomUUID().toString());
            out.write(serverFrame(FrameSigner.unsigned(new Frame(FrameType.HELLO_ACK, "hack_1", Timestamps.format(
                    Instant.now()), null, null, null, new Frame.HelloAck("2", "fake", binding.agentId(),
                    binding.projectId(), binding.sessionId(), heartbeatIntervalSeconds, 1 << 20)))));
            if (!(hello.payload() instanceof Frame.Hello)) {
                errors.add("first frame was not hello");
                return;
            }
            FrameSigner signer = new FrameSigner(secret, binding);
            if (forgeFirstSession && number == 1) {
                byte[] wrong = new byte[32];
                out.write(serverFrame(new FrameSigner(wrong, binding).sign(Frame.outbound(UUID.randomUUID().toString(),
                        new Frame.Command("cancel_task", java.util.Map.of(), java.util.Map.of(), 60, "forger")))));
            }
            FrameVerifier verifier = new FrameVerifier(secret, binding, ReplayGuard.systemClock());
            LinkedBlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().name("fake-brain-writer").start(() -> writeAcks(out, outgoing));
            while (true) {
                readGate.await();
                byte[] msg = readMessage(data);
                if (msg == null) {
                    return; // close frame
                }
                Frame f = verifier.verify(msg);
                switch (f.payload()) {
                    case Frame.EventBatch b -> {
                        eventBatchFrames.incrementAndGet();
                        if (batches.add(f.id())) {
                            outgoing.add(serverFrame(signer.sign(Frame.outbound("eba_" + f.id(),
                                    new Frame.EventBatchAck(f.id(), b.events().size(), b.events().size(), 0)))));
                        }
                    }
                    case Frame.Heartbeat h -> heartbeats.incrementAndGet();
                    case Frame.AgentStatus a -> agentStatuses.incrementAndGet();
                    default -> { }
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            // the client went away
        } catch (Exception e) {
            errors.add(e.toString());
        }
    }

    private void writeAcks(OutputStream out, LinkedBlockingQueue<byte[]> outgoing) {
        try {
            while (true) {
                out.write(outgoing.take());
                acksWritten.incrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // socket closed
        }
    }

    /** One client message (masked frames, unfragmented); null for a close frame. */
    private byte[] readMessage(DataInputStream in) throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            if ((b1 & 0x80) == 0) {
                throw new IOException("unmasked client frame");
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes((int) len);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            int opcode = b0 & 0x0F;
            if (opcode == WsFrames.OP_CLOSE) {
                return null;
            }
            if (opcode == WsFrames.OP_BINARY || opcode == WsFrames.OP_TEXT) {
                return payload;
            }
        }
    }

    static byte[] serverFrame(byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] out = new byte[header + n];
        out[0] = (byte) (0x80 | WsFrames.OP_BINARY);
        if (n < 126) {
            out[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            out[1] = 126;
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
        } else {
            out[1] = 127;
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, out, header, n);
        return out;
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("headers cut short");
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        resumeReading();
        Socket s = socket;
        if (s != null) {
            s.close();
        }
        server.close();
        acceptor.interrupt();
    }
}
