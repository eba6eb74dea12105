package dev.z4j.brain.store;

import java.util.List;

/**
 * Durable, idempotent event persistence: the one call on the ingest hot path.
 *
 * <p>Implementations are used by a single writer thread (the pipeline's persister) and need not be
 * thread-safe for concurrent {@link #write} calls.
 */
public interface EventStore {

    /**
     * Persists {@code events} in ONE transaction: inserts every event whose (projectId, id) is not
     * stored yet (looking at its receive day and the day before, so a resend straddling midnight
     * UTC is still a duplicate; SQLite looks at all stored events), then applies the task / worker /
     * queue projections set-wise to the events it inserted, by the rules of {@link TaskFold},
     * {@link TaskMerge} and {@link ActivityFold}, and marks the sending agents seen for all events,
     * duplicates included.
     *
     * @return {@code inserted[i]} is true iff {@code events.get(i)} created a new row; of several
     *         equal ids within one call only the first can be true
     * @throws StoreException with {@link StoreException#transientFailure()} true when retrying the
     *         same call later may succeed (database down, connection lost, timeout, deadlock), false
     *         when the data itself was refused (constraint violation, value too long, bad JSON)
     */
    boolean[] write(List<EventRow> events) throws StoreException;
}
