package dev.z4j.brain.pipeline;

import java.lang.System.Logger.Level;

/**
 * Persists one gathered batch: ONE store write for the rows of all its frames (one transaction,
 * one round trip: the cost of a commit is shared by every frame), falling back to isolation when
 * the store refuses the data.
 */
final class BatchPersister {
    private static final System.Logger LOG = System.getLogger(BatchPersister.class.getName());

    private final RetryingWriter writer;
    private final BatchIsolator isolator;
    private final PipelineMetrics metrics;

    BatchPersister(RetryingWriter writer, BatchIsolator isolator, PipelineMetrics metrics) {
        this.writer = writer;
        this.isolator = isolator;
        this.metrics = metrics;
    }

    /** Fills every row's outcome; returns normally only when all rows are settled. */
    void persist(GatheredBatch batch) throws Halted {
        if (batch.rowCount() == 0) {
            return; // only frames whose events were all invalid: ack without touching the store
        }
        metrics.batchEvents.record(batch.rowCount());
        try {
            batch.recordInserted(0, writer.write(batch.rows()));
        } catch (PermanentWriteFailure refused) {
            LOG.log(Level.WARNING, "store refused a batch of {0} events in {1} frames, isolating the bad data: {2}",
                    batch.rowCount(), batch.frameCount(), refused.getMessage());
            isolator.isolate(batch);
        }
    }
}
