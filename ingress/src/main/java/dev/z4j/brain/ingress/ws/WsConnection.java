package dev.z4j.brain.ingress.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.SocketContext;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One upgraded WebSocket (RFC 6455), server side: reads and checks every frame on the
 * connection's own virtual thread and calls the listener; any thread may send.
 *
 * <ul>
 *   <li>A ping is answered with a pong carrying the same payload.</li>
 *   <li>Protocol errors (unknown opcode, reserved bits, unmasked or oversized control frames,
 *       broken fragmentation) close with 1002; a text message that is not UTF-8 (checked across
 *       fragments) with 1007; a message over the endpoint's limit with its code, before the
 *       payload is read. Each goes to the listener's {@code onError} as a {@link WsProtocolError}.</li>
 *   <li>A read failure (reset, end of stream without a close frame) reaches {@code onError} the
 *       moment it happens.</li>
 *   <li>{@link #close} never blocks its caller: the close frame is written by the reader or a
 *       virtual thread, and a peer that does not answer within the close timeout (or never reads
 *       again) has its TCP connection cut.</li>
 * </ul>
 */
final class WsConnection implements ServerConnection, WsSession {
    private static final Logger LOG = Logger.getLogger(WsConnection.class.getName());

    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int NO_STATUS = 1005;
    private static final int ABNORMAL = 1006;
    private static final byte[] NO_BYTES = new byte[0];

    private final WsTransport transport;
    private final HttpPrologue prologue;
    private final WsListener listener;
    private final WsEndpoint endpoint;
    private final ScheduledExecutorService closeTimer;
    private final Duration closeTimeout;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean(); // the listener heard onClose or onError
    private CharsetDecoder utf8; // reader thread; made for the first text message (agents send binary)

    // Reader-thread state of the message being received.
    private int messageOpcode = -1; // TEXT or BINARY while a fragmented message is open
    private long messageBytes;
    private byte[] utf8Carry = NO_BYTES; // an incomplete UTF-8 sequence at the end of the last fragment
    private long unreadPayload; // bytes of the current frame (mask + payload) not read yet
    private boolean sendingFragmented; // guarded by sendLock

    private volatile Thread readerThread;
    private volatile boolean running = true;
    private volatile long lastReadNanos = System.nanoTime();

    WsConnection(WsTransport transport, HttpPrologue prologue, WsListener listener, WsEndpoint endpoint,
                 ScheduledExecutorService closeTimer, Duration closeTimeout) {
        this.transport = transport;
        this.prologue = prologue;
        this.listener = listener;
        this.endpoint = endpoint;
        this.closeTimer = closeTimer;
        this.closeTimeout = closeTimeout;
    }

    // ------------------------------------------------------------------ reading

    /** Helidon's connection loop hands the upgraded socket over; returning ends it. */
    @Override
    public void handle(Limit limit) {
        run();
    }

    /** Reads frames on the calling thread until the connection ends. */
    void run() {
        readerThread = Thread.currentThread();
        try {
            listener.onOpen(this);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket listener failed on open", e);
            close(1011, "internal error");
            return;
        }
        try {
            while (running && readFrame()) {
                lastReadNanos = System.nanoTime();
            }
        } catch (WsProtocolError e) {
            notifyError(e);
            close(e.closeCode(), e.getMessage()); // in case the listener did not
            linger();
        } catch (RuntimeException readFailed) {
            // Reset, end of stream without a close frame, or our own abort: the peer is gone.
            notifyError(readFailed);
        } finally {
            running = false;
        }
        // Returning ends the connection: the server closes the TCP socket.
    }

    /**
     * After we failed the connection: read and drop what the peer still sends until its close
     * frame (or the close timeout cuts the socket). Closing with unread bytes in the receive
     * buffer would send a TCP reset, and the peer could lose our close frame and its code.
     */
    private void linger() {
        try {
            skip(unreadPayload);
            while (running) {
                int opcode = transport.read() & 0x0F;
                long length = transport.read() & 0x7F;
                if (length == 126) {
                    length = ((transport.read() & 0xFF) << 8) | (transport.read() & 0xFF);
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | (transport.read() & 0xFF);
                    }
                }
                skip(4 + length);
                if (opcode == CLOSE) {
                    return;
                }
            }
        } catch (RuntimeException peerGoneOrCut) {
            // done either way
        }
    }

    private void skip(long bytes) {
        while (bytes > 0) {
            int n = (int) Math.min(bytes, 64 * 1024);
            transport.skip(n);
            bytes -= n;
        }
    }

    /** Reads and handles one frame; false once the connection is done. */
    private boolean readFrame() {
        int b0 = transport.read() & 0xFF;
        int b1 = transport.read() & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        if ((b0 & 0x70) != 0) {
            throw protocolError("protocol", "reserved bits set without a negotiated extension");
        }
        if ((b1 & 0x80) == 0) {
            throw protocolError("protocol", "client frames must be masked");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((transport.read() & 0xFF) << 8) | (transport.read() & 0xFF);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (transport.read() & 0xFF);
            }
            if (length < 0) {
                throw protocolError("protocol", "payload length with the most significant bit set");
            }
        }
        unreadPayload = 4 + length; // mask + payload
        switch (opcode) {
            case CONTINUATION, TEXT, BINARY -> checkDataFrame(opcode, length);
            case CLOSE, PING, PONG -> {
                if (!fin) {
                    throw protocolError("protocol", "fragmented control frame");
                }
                if (length > 125) {
                    throw protocolError("protocol", "control frame longer than 125 bytes");
                }
            }
            default -> throw new WsProtocolError(WsProtocolError.PROTOCOL_ERROR, "bad_opcode",
                    "unknown opcode 0x" + Integer.toHexString(opcode));
        }
        byte[] payload = readPayload((int) length);
        switch (opcode) {
            case PING -> {
                pong(BufferData.create(payload)); // same payload, as RFC 6455 5.5.3 requires
                listener.onPing(this, BufferData.create(payload));
            }
            case PONG -> listener.onPong(this, BufferData.create(payload));
            case CLOSE -> {
                onCloseFrame(payload);
                return false;
            }
            default -> onData(opcode, payload, fin);
        }
        return true;
    }

    private void checkDataFrame(int opcode, long length) {
        if (opcode == CONTINUATION && messageOpcode < 0) {
            throw protocolError("protocol", "continuation frame without a message to continue");
        }
        if (opcode != CONTINUATION && messageOpcode >= 0) {
            throw protocolError("protocol", "new message before the fragmented one finished");
        }
        long total = (opcode == CONTINUATION ? messageBytes : 0) + length;
        if (total > endpoint.maxMessageBytes()) {
            throw new WsProtocolError(endpoint.tooLargeCode(), "oversize",
                    "message larger than " + endpoint.maxMessageBytes() + " bytes");
        }
    }

    private byte[] readPayload(int length) {
        byte[] mask = transport.readBytes(4);
        byte[] payload = length == 0 ? NO_BYTES : transport.readBytes(length);
        unreadPayload = 0;
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return payload;
    }

    private void onData(int opcode, byte[] payload, boolean fin) {
        int type = opcode == CONTINUATION ? messageOpcode : opcode;
        if (opcode != CONTINUATION) {
            messageBytes = 0;
            if (utf8 != null) {
                utf8.reset();
            }
            utf8Carry = NO_BYTES;
        }
        messageBytes += payload.length;
        messageOpcode = fin ? -1 : type;
        if (type == TEXT) {
            listener.onMessage(this, decodeText(payload, fin), fin);
        } else {
            listener.onMessage(this, BufferData.create(payload), fin);
        }
    }

    /** Decodes one fragment of a text message; a character split across fragments is carried over. */
    private String decodeText(byte[] fragment, boolean fin) {
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        byte[] in = utf8Carry.length == 0 ? fragment : concat(utf8Carry, fragment);
        ByteBuffer bytes = ByteBuffer.wrap(in);
        CharBuffer chars = CharBuffer.allocate(in.length + 1);
        CoderResult result = utf8.decode(bytes, chars, fin);
        if (result.isError() || (fin && utf8.flush(chars).isError())) {
            throw new WsProtocolError(WsProtocolError.INVALID_PAYLOAD, "bad_utf8", "text message is not valid UTF-8");
        }
        utf8Carry = Arrays.copyOfRange(in, bytes.position(), in.length);
        return chars.flip().toString();
    }

    private void onCloseFrame(byte[] payload) {
        int status = NO_STATUS;
        String reason = "";
        if (payload.length == 1) {
            throw protocolError("protocol", "close frame with a one-byte body");
        }
        if (payload.length >= 2) {
            status = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!validCloseCode(status)) {
                throw protocolError("protocol", "close code " + status + " is not allowed on the wire");
            }
            try {
                reason = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(payload, 2, payload.length - 2)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new WsProtocolError(WsProtocolError.INVALID_PAYLOAD, "bad_utf8", "close reason is not valid UTF-8");
            }
        }
        if (closeSent.compareAndSet(false, true)) {
            writeClose(status == NO_STATUS ? 1000 : status, ""); // echo, on this (the reader) thread
        }
        if (ended.compareAndSet(false, true)) {
            try {
                listener.onClose(this, status, reason);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "WebSocket listener failed on close", e);
            }
        }
    }

    /** RFC 6455 7.4: codes a peer may send. */
    private static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
    }

    private void notifyError(RuntimeException e) {
        if (ended.compareAndSet(false, true)) {
            try {
                listener.onError(this, e);
            } catch (RuntimeException listenerFailed) {
                LOG.log(Level.WARNING, "WebSocket listener failed on error", listenerFailed);
            }
        }
    }

    private static WsProtocolError protocolError(String label, String message) {
        return new WsProtocolError(WsProtocolError.PROTOCOL_ERROR, label, message);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------ sending

    @Override
    public WsSession send(String text, boolean last) {
        return sendData(TEXT, text.getBytes(StandardCharsets.UTF_8), last);
    }

    @Override
    public WsSession send(BufferData bufferData, boolean last) {
        byte[] bytes = new byte[bufferData.available()];
        bufferData.read(bytes);
        return sendData(BINARY, bytes, last);
    }

    private WsSession sendData(int opcode, byte[] payload, boolean last) {
        sendLock.lock();
        try {
            if (closeSent.get()) {
                throw new IllegalStateException("WebSocket is closing");
            }
            int wireOpcode = sendingFragmented ? CONTINUATION : opcode;
            sendingFragmented = !last;
            write(wireOpcode, last, payload);
        } finally {
            sendLock.unlock();
        }
        return this;
    }

    @Override
    public WsSession ping(BufferData bufferData) {
        return sendControl(PING, bufferData);
    }

    @Override
    public WsSession pong(BufferData bufferData) {
        return sendControl(PONG, bufferData);
    }

    private WsSession sendControl(int opcode, BufferData data) {
        byte[] payload = new byte[Math.min(125, data.available())];
        data.read(payload);
        sendLock.lock();
        try {
            if (!closeSent.get()) {
                write(opcode, true, payload);
            }
        } finally {
            sendLock.unlock();
        }
        return this;
    }

    /**
     * Starts the closing handshake and returns at once. The reader thread writes the close frame
     * itself (it is about to end the connection); any other caller's frame is written by a virtual
     * thread, behind a send that may be stuck on a peer that stopped reading. Either way the TCP
     * connection is cut if the peer has not answered within the close timeout.
     */
    @Override
    public WsSession close(int code, String reason) {
        if (!closeSent.compareAndSet(false, true)) {
            return this;
        }
        scheduleAbort();
        if (Thread.currentThread() == readerThread) {
            writeClose(code, reason);
        } else {
            Thread.startVirtualThread(() -> writeClose(code, reason));
        }
        return this;
    }

    private void writeClose(int code, String reason) {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(r.length, 123);
        byte[] payload = new byte[2 + reasonLength];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, reasonLength);
        sendLock.lock();
        try {
            write(CLOSE, true, payload);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "close frame not written: peer gone", e);
        } finally {
            sendLock.unlock();
        }
    }

    private void scheduleAbort() {
        try {
            closeTimer.schedule(() -> {
                if (running) {
                    abort();
                }
            }, closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            abort(); // shutting down
        }
    }

    /** Cuts the TCP connection: a blocked read or write fails at once and the reader ends. */
    private void abort() {
        running = false;
        try {
            transport.abort();
        } catch (RuntimeException e) {
            Thread t = readerThread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    @Override
    public WsSession terminate() {
        closeSent.set(true);
        abort();
        return this;
    }

    /** One unmasked frame (server to client), header and payload in one write. */
    private void write(int opcode, boolean fin, byte[] payload) {
        int n = payload.length;
        int headerLength = n < 126 ? 2 : (n < 65536 ? 4 : 10);
        byte[] frame = new byte[headerLength + n];
        frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (n < 126) {
            frame[1] = (byte) n;
        } else if (n < 65536) {
            frame[1] = 126;
            frame[2] = (byte) (n >> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, headerLength, n);
        transport.write(frame);
    }

    // ------------------------------------------------------------------ session and server plumbing

    @Override
    public Optional<String> subProtocol() {
        return Optional.empty();
    }

    @Override
    public SocketContext socketContext() {
        return transport.socketContext();
    }

    @Override
    public HttpPrologue prologue() {
        return prologue;
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(System.nanoTime() - lastReadNanos);
    }

    /**
     * The server is stopping or found the connection idle: stop reading. With {@code interrupt}
     * (the server's last stage of stopping, after its grace period) the TCP connection is cut too:
     * an interrupt alone leaves the socket open while the reader is inside a call that ignores
     * interrupts, and the peer would go on talking to a server that is gone.
     */
    @Override
    public void close(boolean interrupt) {
        if (interrupt) {
            abort();
        }
        running = false;
        Thread t = readerThread;
        if (t != null) {
            t.interrupt();
        }
    }
}
