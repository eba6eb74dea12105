package dev.z4j.brain.protocol;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Signs the outbound frames of one connection (docs/PROTOCOL.md 5.3/5.4/5.7): fresh ts, nonce and the
 * next seq for every frame, envelope HMAC over exactly the object that is serialised.
 *
 * <p>Shared by every writer of one connection (acks, commands). The peer rejects a seq lower
 * than one it already saw, so {@link #signAndSend} signs and hands the bytes to the transport
 * under one lock: seq order is wire order. That lock is a {@link ReentrantLock}, never a monitor:
 * the transport blocks on a slow peer, and on Java 21 a virtual thread blocking inside
 * {@code synchronized} pins its carrier (a few slow agents would stall every socket).
 */
public final class FrameSigner {

    /** Where signed bytes go; called while the signer's lock (not a monitor) is held. */
    @FunctionalInterface
    public interface Transport<E extends Exception> {
        void send(byte[] wire) throws E;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Envelope envelope;
    private final Clock clock;
    private final Supplier<String> nonces;
    private final ReentrantLock lock = new ReentrantLock();
    private long seq; // guarded by lock

    /** With the Macs of the session's project, shared with its other connections. */
    public FrameSigner(MacPool projectMacs, SessionBinding binding, Clock clock, Supplier<String> nonces) {
        this.envelope = new Envelope(projectMacs, binding);
        this.clock = clock;
        this.nonces = nonces;
    }

    public FrameSigner(byte[] projectSecret, SessionBinding binding, Clock clock, Supplier<String> nonces) {
        this(new MacPool(projectSecret), binding, clock, nonces);
    }

    public FrameSigner(MacPool projectMacs, SessionBinding binding) {
        this(projectMacs, binding, Clock.systemUTC(), FrameSigner::randomNonce);
    }

    public FrameSigner(byte[] projectSecret, SessionBinding binding) {
        this(projectSecret, binding, Clock.systemUTC(), FrameSigner::randomNonce);
    }

    /** 16 random bytes, urlsafe base64 without padding: 22 chars, as {@code secrets.token_urlsafe(16)}. */
    public static String randomNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Signs {@code frame} (its ts/nonce/seq/hmac are replaced) and returns the wire bytes. */
    public byte[] sign(Frame frame) {
        if (!frame.type().signed()) {
            throw new IllegalArgumentException(frame.type().wire() + " frames are not signed");
        }
        lock.lock();
        try {
            return signLocked(frame);
        } finally {
            lock.unlock();
        }
    }

    private byte[] signLocked(Frame frame) {
        Frame stamped = new Frame(frame.type(), frame.id(), Timestamps.format(clock.instant()),
                nonces.get(), ++seq, null, frame.payload());
        Map<String, Object> wire = FrameCodec.encode(stamped);
        wire.put("hmac", Hex.encode(envelope.hmac(wire)));
        return JsonWriter.wire(wire);
    }

    /** Signs and sends under one lock, so frames reach the transport in seq order. */
    public <E extends Exception> void signAndSend(Frame frame, Transport<E> transport) throws E {
        if (!frame.type().signed()) {
            throw new IllegalArgumentException(frame.type().wire() + " frames are not signed");
        }
        lock.lock();
        try {
            transport.send(signLocked(frame));
        } finally {
            lock.unlock();
        }
    }

    /** Last seq assigned (0 before the first frame). */
    public long lastSeq() {
        lock.lock();
        try {
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /** Wire bytes of an unsigned frame (hello, hello_ack); {@code ts} as given. */
    public static byte[] unsigned(Frame frame) {
        if (frame.type().signed()) {
            throw new IllegalArgumentException(frame.type().wire() + " frames must be signed");
        }
        return JsonWriter.wire(FrameCodec.encode(frame));
    }
}
