package dev.z4j.brain.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Replay protection for one session and one direction (PROTOCOL.md 5.6): seq strictly
 * increasing, nonce unseen within 180 s (at most 4096 remembered, oldest evicted first), ts
 * timezone-aware and within 60 s of our clock. Runs after the HMAC check; records only on success.
 *
 * <p>Not thread-safe: one instance per connection, used by the thread that reads it.
 */
public final class ReplayGuard {
    public static final Duration NONCE_WINDOW = Duration.ofSeconds(180);
    public static final int MAX_NONCES = 4096;
    public static final Duration MAX_TS_SKEW = Duration.ofSeconds(60);

    private final Clock wallClock;
    private final LongSupplier monotonicNanos;
    private final ArrayDeque<Seen> order = new ArrayDeque<>();
    private final Map<String, Seen> nonces = new HashMap<>();
    private long lastSeq;

    private record Seen(String nonce, long atNanos) {}

    public ReplayGuard(Clock wallClock, LongSupplier monotonicNanos) {
        this.wallClock = wallClock;
        this.monotonicNanos = monotonicNanos;
    }

    public static ReplayGuard systemClock() {
        return new ReplayGuard(Clock.systemUTC(), System::nanoTime);
    }

    /** Last accepted seq (0 before the first frame). */
    public long lastSeq() {
        return lastSeq;
    }

    /**
     * @param seq   the frame's {@code seq} as parsed (must be an integer)
     * @param nonce the frame's {@code nonce} as parsed (must be a non-empty string)
     * @param ts    the frame's {@code ts} as parsed (must be an aware ISO-8601 string)
     * @throws ProtocolException (a signature failure) naming the broken rule
     */
    public void check(Object seq, Object nonce, Object ts) {
        Instant sent = checkTs(ts);
        Duration skew = Duration.between(sent, wallClock.instant()).abs();
        if (skew.compareTo(MAX_TS_SKEW) > 0) {
            throw new ProtocolException(ProtocolException.Reason.STALE_TS,
                    "frame ts " + ts + " is " + skew.toMillis() + " ms from brain time (max 60 s)");
        }
        if (!(seq instanceof Long s) || s < 1) {
            throw new ProtocolException(ProtocolException.Reason.BAD_SEQ, "seq must be an integer >= 1, got " + seq);
        }
        if (s <= lastSeq) {
            throw new ProtocolException(ProtocolException.Reason.BAD_SEQ,
                    "seq " + s + " not greater than last accepted " + lastSeq);
        }
        if (!(nonce instanceof String n) || n.isEmpty()) {
            throw new ProtocolException(ProtocolException.Reason.NONCE_REUSED, "nonce must be a non-empty string");
        }
        long now = monotonicNanos.getAsLong();
        expire(now);
        if (nonces.containsKey(n)) {
            throw new ProtocolException(ProtocolException.Reason.NONCE_REUSED, "nonce reused within 180 s");
        }
        Seen seen = new Seen(n, now);
        order.addLast(seen);
        nonces.put(n, seen);
        if (order.size() > MAX_NONCES) {
            nonces.remove(order.removeFirst().nonce());
        }
        lastSeq = s;
    }

    private static Instant checkTs(Object ts) {
        if (!(ts instanceof String text)) {
            throw new ProtocolException(ProtocolException.Reason.BAD_TS, "ts must be an ISO-8601 string");
        }
        try {
            return Timestamps.parseAware(text);
        } catch (DateTimeParseException e) {
            throw new ProtocolException(ProtocolException.Reason.BAD_TS,
                    "ts must be an ISO-8601 datetime with a timezone: " + text);
        }
    }

    private void expire(long now) {
        long window = NONCE_WINDOW.toNanos();
        while (!order.isEmpty() && now - order.peekFirst().atNanos() > window) {
            nonces.remove(order.removeFirst().nonce());
        }
    }
}
