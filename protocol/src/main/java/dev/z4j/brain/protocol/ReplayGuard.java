package dev.z4j.brain.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;

/**
 * Replay protection for one session and one direction (docs/PROTOCOL.md 5.6): seq strictly
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
    // Nonces as 64-bit hashes in a ring, oldest first: 16 bytes each instead of ~130 for a String in
    // a map, which matters at thousands of idle sockets (a heartbeat pair every 10 s keeps ~36 each).
    // A false "reused" needs a 64-bit collision within one session's last 4096 nonces.
    private long[] hashes = new long[8];
    private long[] seenAt = new long[8];
    private int head;
    private int size;
    private long lastSeq;

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
        long h = hash(n);
        for (int i = 0, idx = head; i < size; i++, idx = (idx + 1) & (hashes.length - 1)) {
            if (hashes[idx] == h) {
                throw new ProtocolException(ProtocolException.Reason.NONCE_REUSED, "nonce reused within 180 s");
            }
        }
        if (size == MAX_NONCES) {
            head = (head + 1) & (hashes.length - 1); // evict the oldest
            size--;
        } else if (size == hashes.length) {
            grow();
        }
        int tail = (head + size) & (hashes.length - 1);
        hashes[tail] = h;
        seenAt[tail] = now;
        size++;
        lastSeq = s;
    }

    /** 64-bit FNV-1a over the UTF-16 units: cheap, and nonces are random 22-char strings. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private void grow() {
        int n = hashes.length * 2;
        long[] nh = new long[n];
        long[] nt = new long[n];
        for (int i = 0; i < size; i++) {
            int idx = (head + i) & (hashes.length - 1);
            nh[i] = hashes[idx];
            nt[i] = seenAt[idx];
        }
        hashes = nh;
        seenAt = nt;
        head = 0;
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
        while (size > 0 && now - seenAt[head] > window) {
            head = (head + 1) & (hashes.length - 1);
            size--;
        }
    }
}
