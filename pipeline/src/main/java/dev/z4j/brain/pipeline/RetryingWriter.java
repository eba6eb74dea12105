package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Calls {@link EventStore#write} and retries the SAME rows after transient failures, with exponential
 * backoff, until it succeeds or the pipeline halts. While it retries the persister does not move its
 * gating sequence, so the ring fills and producers block: that is the back-pressure, by design.
 */
final class RetryingWriter {
    private static final System.Logger LOG = System.getLogger(RetryingWriter.class.getName());

    private final EventStore store;
    private final Backoff backoff;
    private final HaltSignal halt;
    private final PipelineMetrics metrics;
    private long outageStartNanos;
    private long outageRetries;

    RetryingWriter(EventStore store, Backoff backoff, HaltSignal halt, PipelineMetrics metrics) {
        this.store = store;
        this.backoff = backoff;
        this.halt = halt;
        this.metrics = metrics;
    }

    /**
     * @return inserted flags, one per row
     * @throws PermanentWriteFailure the store refused these rows (bad data, or a store bug)
     * @throws Halted                the pipeline halted before a write succeeded
     */
    boolean[] write(List<EventRow> rows) throws PermanentWriteFailure, Halted {
        while (true) {
            if (halt.isHalted()) {
                throw Halted.INSTANCE;
            }
            long start = System.nanoTime();
            try {
                boolean[] inserted = store.write(rows);
                metrics.commit.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (inserted == null || inserted.length != rows.size()) {
                    throw new PermanentWriteFailure(new IllegalStateException("EventStore.write returned "
                            + (inserted == null ? "null" : inserted.length + " flags") + " for " + rows.size() + " rows"));
                }
                endOutage();
                return inserted;
            } catch (StoreException e) {
                if (!e.transientFailure()) {
                    endOutage();
                    throw new PermanentWriteFailure(e);
                }
                beginOrContinueOutage(e);
            } catch (RuntimeException e) {
                endOutage();
                throw new PermanentWriteFailure(e);
            }
            metrics.storeRetries.increment();
            if (halt.sleepUnlessHalted(backoff.nextDelayNanos())) {
                throw Halted.INSTANCE;
            }
        }
    }

    // One log line when an outage starts and one when it ends, never one per retry.
    private void beginOrContinueOutage(StoreException e) {
        if (outageRetries++ == 0) {
            outageStartNanos = System.nanoTime();
            LOG.log(Level.WARNING, "event store unavailable, retrying with backoff; producers block while the ring is full: " + e, e);
        }
    }

    private void endOutage() {
        backoff.reset();
        if (outageRetries > 0) {
            LOG.log(Level.INFO, "event store back after {0} retries in {1} ms", outageRetries,
                    (System.nanoTime() - outageStartNanos) / 1_000_000);
            outageRetries = 0;
        }
    }
}
