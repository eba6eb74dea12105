package dev.z4j.brain.loadgen;

import java.util.List;
import java.util.Map;

/**
 * The event frames of one connection: what to (re)send on each pass, and what an ack settles.
 * Single-threaded: owned by the connection's loop.
 */
interface Outbox {
    /** Events that can still be queued (generated beyond this are counted as skipped). */
    int room();

    /** Queues freshly generated events. */
    void add(List<Map<String, Object>> events, long nowNanos);

    /** The frames to write on this pass, in order; each is marked sent at {@code nowNanos}. */
    List<PendingBatch> pass(long nowNanos);

    /** @return the batch if this is the first ack for a frame we sent, else null (duplicate/unknown) */
    PendingBatch ack(String batchId);

    /** Frame any partially filled batch on the next pass (end of run). */
    void flush();

    /** Events sent at least once and not acked. */
    long unackedEvents();

    /** Events queued but never sent. */
    long queuedEvents();
}
