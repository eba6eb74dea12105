package dev.z4j.brain.ingress;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-connection memory of event_batch ids, so the resend loop of real agents (docs/PROTOCOL.md 8:
 * every un-acked batch re-sent on every pass) costs a map lookup, never database work: a copy of
 * a batch in flight is answered by the ack its commit sends; a copy of a committed batch is
 * re-acked at most once per {@link #REACK_INTERVAL_NANOS} (an agent acts on the first ack of an
 * id, and TCP does not lose the others).
 *
 * <p>Called by the connection's reader (arrivals) and the pipeline's persister (commits). Times
 * are System.nanoTime.
 */
final class BatchTracker {
    /** Committed ids remembered per connection; agents resend only un-acked ids, so this is plenty. */
    static final int COMMITTED_MEMORY = 4096;
    static final long REACK_INTERVAL_NANOS = 1_000_000_000L;
    /** {@link Batch#ackNanos} of a batch still in flight. */
    static final long NOT_ACKED = Long.MIN_VALUE;

    /** Counts of the first commit of a batch id. */
    record Counts(int received, int accepted, int rejected) {}

    /** A batch this connection has: when it first arrived, and once committed its counts and ack times. */
    static final class Batch {
        final long firstSeenNanos;
        private volatile Counts counts; // written by the persister, read by the reader
        private volatile long ackNanos = NOT_ACKED;
        private long lastAckNanos;

        private Batch(long firstSeenNanos) {
            this.firstSeenNanos = firstSeenNanos;
        }

        /** Null while in flight. */
        Counts counts() {
            return counts;
        }

        /** When its first ack was queued, or {@link #NOT_ACKED}. */
        long ackNanos() {
            return ackNanos;
        }
    }

    private final Map<String, Batch> inFlight = new HashMap<>();
    private final LinkedHashMap<String, Batch> committed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Batch> eldest) {
            return size() > COMMITTED_MEMORY;
        }
    };

    /** The batch if this connection has it (in flight or committed), else null; records nothing. */
    synchronized Batch known(String batchId) {
        Batch b = committed.get(batchId);
        return b != null ? b : inFlight.get(batchId);
    }

    /** Records a first arrival at {@code now}; returns the batch already known instead, if any. */
    synchronized Batch arrive(String batchId, long now) {
        Batch known = known(batchId);
        if (known == null) {
            inFlight.put(batchId, new Batch(now));
        }
        return known;
    }

    /** True (and noted) if a copy of committed {@code b} arriving at {@code now} is owed a fresh ack. */
    synchronized boolean reackDue(Batch b, long now) {
        if (b.counts == null || now - b.lastAckNanos < REACK_INTERVAL_NANOS) {
            return false;
        }
        b.lastAckNanos = now;
        return true;
    }

    /** Marks {@code batchId} committed, its ack queued at {@code ackNanos}. */
    synchronized void commit(String batchId, Counts counts, long ackNanos) {
        Batch b = inFlight.remove(batchId);
        if (b == null) {
            b = new Batch(ackNanos);
        }
        b.counts = counts;
        b.ackNanos = ackNanos;
        b.lastAckNanos = ackNanos;
        committed.put(batchId, b);
    }
}
