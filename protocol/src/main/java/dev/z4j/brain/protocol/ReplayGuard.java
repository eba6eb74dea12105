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
    private static final int MIN_CAPACITY = 8;
    private static final long WINDOW_SECONDS = NONCE_WINDOW.toSeconds();

    private final Clock wallClock;
    private final LongSupplier monotonicNanos;
    private final long originNanos;
    // Nonces as 64-bit hashes in a ring, oldest first, with the second each was seen: 12 bytes each
    // instead of ~130 for a String in a map, which matters at thousands of idle sockets (a
    // heartbeat pair every 10 s keeps ~36 each). A false "reused" needs a 64-bit collision within
    // one session's last 4096 nonces. The ring grows by half and shrinks back once a burst has
    // expired, so a socket does not keep, for hours of idling, room for the busiest minutes it had.
    private long[] hashes = new long[MIN_CAPACITY];
    private int[] seenSecond = new int[MIN_CAPACITY]; // whole seconds since originNanos
    private int head;
    private int size;
    private long lastSeq;

    public ReplayGuard(Clock wallClock, LongSupplier monotonicNanos) {
        this.wallClock = wallClock;
        this.monotonicNanos = monotonicNanos;
        this.originNanos = monotonicNanos.getAsLong();
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
        int now = (int) ((monotonicNanos.getAsLong() - originNanos) / 1_000_000_000L); // 68 years of seconds
        expire(now);
        long h = hash(n);
        if (remembers(h)) {
            throw new ProtocolException(ProtocolException.Reason.NONCE_REUSED, "nonce reused within 180 s");
        }
        if (size == MAX_NONCES) {
            head = next(head); // evict the oldest
            size--;
        } else if (size == hashes.length) {
            resize(Math.min(MAX_NONCES, size + size / 2));
        }
        int tail = (head + size) % hashes.length;
        hashes[tail] = h;
        seenSecond[tail] = now;
        size++;
        lastSeq = s;
    }

    /** The ring scanned as its one or two runs of the array: no wrap-around test per slot (4096 per frame for a busy agent). */
    private boolean remembers(long h) {
        int end = head + size;
        int firstRunEnd = Math.min(end, hashes.length);
        for (int i = head; i < firstRunEnd; i++) {
            if (hashes[i] == h) {
                return true;
            }
        }
        for (int i = 0; i < end - hashes.length; i++) {
            if (hashes[i] == h) {
                return true;
            }
        }
        return false;
    }

    private int next(int idx) {
        return idx + 1 == hashes.length ? 0 : idx + 1;
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

    /** Copies the ring, oldest first, into arrays of {@code capacity} (at least {@code size}). */
    private void resize(int capacity) {
        long[] nh = new long[capacity];
        int[] ns = new int[capacity];
        for (int i = 0, idx = head; i < size; i++, idx = next(idx)) {
            nh[i] = hashes[idx];
            ns[i] = seenSecond[idx];
        }
        hashes = nh;
        seenSecond = ns;
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

    /**
     * Forgets the nonces seen more than 180 s ago (counted in whole seconds: one is forgotten 180 to
     * 181 s after it was seen, never sooner), then gives back room a burst left unused.
     */
    private void expire(int now) {
        while (size > 0 && now - seenSecond[head] > WINDOW_SECONDS) {
            head = next(head);
            size--;
        }
        if (hashes.length > MIN_CAPACITY && size < hashes.length / 4) {
            resize(Math.max(MIN_CAPACITY, size + size / 2));
        }
    }
}
