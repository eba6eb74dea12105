package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import java.util.List;

/**
 * One ring slot: one verified {@code event_batch} frame. Preallocated and reused for the life of the
 * ring so the hot path allocates no envelope per frame; {@link #clear()} drops the references once
 * the frame is acked so a quiet ring does not pin old rows in the heap.
 */
final class IngestEntry {
    AckTarget target;
    String batchId;
    int received;
    List<EventRow> rows;
    long publishedNanos;

    void set(AckTarget target, String batchId, int received, List<EventRow> rows, long publishedNanos) {
        this.target = target;
        this.batchId = batchId;
        this.received = received;
        this.rows = rows;
        this.publishedNanos = publishedNanos;
    }

    int rowCount() {
        return rows.size();
    }

    void clear() {
        target = null;
        batchId = null;
        rows = null;
    }
}
