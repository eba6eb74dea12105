package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;

/**
 * Told about each event a commit stored (duplicates are not), after the commit and its acks, on
 * the writer's persister thread (several writers call it at once): implementations must be
 * thread-safe, cheap and never block (metrics from the commit path, not from polling the database).
 */
@FunctionalInterface
public interface InsertedRowListener {

    InsertedRowListener NO_OP = row -> {};

    void inserted(EventRow row);
}
