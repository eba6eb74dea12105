package dev.z4j.brain.ingress;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-connection memory of event_batch ids, so the resend loop of real agents (docs/PROTOCOL.md 8:
 * every un-acked batch re-sent on every pass) costs a map lookup and an ack, never database work:
 * a committed id is re-acked at once; an id in flight is acked again when it commits.
 *
 * <p>Called by the connection's reader (arrivals) and the pipeline's persister (commits).
 */
final class BatchTracker {
    /** Committed ids remembered per connection; agents resend only un-acked ids, so this is plenty. */
    static final int COMMITTED_MEMORY = 4096;

    enum Arrival { NEW, IN_FLIGHT, COMMITTED }

    /** Counts of the first commit of a batch id. */
    record Counts(int received, int accepted, int rejected) {}

    private final Map<String, Integer> inFlightCopies = new HashMap<>();
    private final LinkedHashMap<String, Counts> committed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Counts> eldest) {
            return size() > COMMITTED_MEMORY;
        }
    };

    /** Records an arrival of {@code batchId} and says what to do with it. */
    synchronized Arrival arrive(String batchId) {
        Arrival a = duplicateOf(batchId);
        if (a == Arrival.NEW) {
            inFlightCopies.put(batchId, 0);
        }
        return a;
    }

    /**
     * For a resend recognised before verification: counts the copy if {@code batchId} is in flight
     * or committed and returns which; returns NEW (recording nothing) for an unknown id.
     */
    synchronized Arrival duplicateOf(String batchId) {
        if (committed.containsKey(batchId)) {
            return Arrival.COMMITTED;
        }
        Integer copies = inFlightCopies.get(batchId);
        if (copies != null) {
            inFlightCopies.put(batchId, copies + 1);
            return Arrival.IN_FLIGHT;
        }
        return Arrival.NEW;
    }

    synchronized Counts committedCounts(String batchId) {
        return committed.get(batchId);
    }

    /**
     * Marks {@code batchId} committed and returns how many extra copies arrived while it was in
     * flight (each is owed its own ack).
     */
    synchronized int commit(String batchId, Counts counts) {
        Integer copies = inFlightCopies.remove(batchId);
        committed.put(batchId, counts);
        return copies == null ? 0 : copies;
    }
}
