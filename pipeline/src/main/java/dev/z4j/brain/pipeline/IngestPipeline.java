package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Disruptor rings between ingress and the store: many producers (one virtual thread per agent
 * connection) publish one entry per verified {@code event_batch} frame; a persister thread per
 * writer writes the frames it gathered in one store transaction and acks each frame only after that
 * commit. Each connection's frames go to one writer (its lane), so with several writers (PostgreSQL:
 * one connection each, writing in parallel) a connection's acks still follow its publish order.
 *
 * <p>Guarantees: a full ring blocks the producer (never drops); acks go out in ring order, so per
 * connection in publish order; a failing store never kills a persister nor loses a frame
 * (transient failures are retried, bad data is isolated down to the poison event).
 */
public final class IngestPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IngestPipeline.class.getName());

    /** The most writers a pipeline runs; each holds a database connection. */
    public static final int MAX_WRITERS = 8;

    private final PersisterLane[] lanes;
    private final Admission admission = new Admission();
    private final HaltSignal halt = new HaltSignal();
    private final PipelineMetrics metrics;

    private IngestPipeline(Builder b) {
        this.lanes = new PersisterLane[b.writers];
        this.metrics = new PipelineMetrics(b.meterRegistry, this::remainingCapacity, b.maxBatchEvents);
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new PersisterLane(i, b.ringSize, b.stores.get(), b.maxBatchEvents, b.linger,
                    new Backoff(b.retryMin, b.retryMax), // per writer: it counts that writer's failed tries
                    admission, halt, this::halt, metrics, b.commitListener, b.insertedRows);
        }
        for (PersisterLane lane : lanes) {
            lane.start();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Publishes one verified frame. Blocks (never drops) while the ring is full.
     *
     * @param target   where the ack goes after commit
     * @param batchId  the frame id
     * @param received events in the frame after the brain's trim
     * @param rows     the valid normalised events; {@code received - rows.size()} count as rejected.
     *                 The pipeline keeps this list until the ack: do not modify it.
     * @throws IllegalStateException if the pipeline is closed or halted
     */
    public void publish(AckTarget target, String batchId, int received, List<EventRow> rows) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(rows, "rows");
        if (received < rows.size()) {
            throw new IllegalArgumentException("received (" + received + ") < rows (" + rows.size() + ")");
        }
        if (!admission.enter()) {
            throw new IllegalStateException("pipeline is closed");
        }
        try {
            lanes[Math.floorMod(target.laneKey(), lanes.length)].publish(target, batchId, received, rows);
        } finally {
            admission.exit();
        }
    }

    /**
     * Free slots in the fullest writer's ring right now; 0 means the producers of that writer's
     * connections are blocked (back-pressure).
     */
    public long remainingCapacity() {
        long free = Long.MAX_VALUE;
        for (PersisterLane lane : lanes) {
            if (lane == null) {
                return 0; // a gauge read while the lanes are being made
            }
            free = Math.min(free, lane.remainingCapacity());
        }
        return free;
    }

    /** True while publishes are accepted and every persister is alive. */
    public boolean isRunning() {
        if (admission.isClosed()) {
            return false;
        }
        for (PersisterLane lane : lanes) {
            if (!lane.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Graceful, unbounded: refuses new publishes, persists and acks everything already published
     * (waits for the store to come back if it is down), then stops.
     */
    @Override
    public void close() {
        beginClose();
        if (onPersisterThread()) {
            return; // called from an ack or listener: the loop finishes draining after it returns
        }
        try {
            for (PersisterLane lane : lanes) {
                lane.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        metrics.unregisterGauge();
    }

    /**
     * Graceful close bounded by {@code timeout}: if draining has not finished by then, halts.
     *
     * @return true if everything published was persisted and acked
     */
    public boolean close(Duration timeout) {
        beginClose();
        if (onPersisterThread()) {
            return false;
        }
        boolean drained;
        try {
            drained = awaitTermination(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            LOG.log(Level.WARNING, "pipeline did not drain within {0}, halting; unacked frames will be resent by agents", timeout);
            halt();
        }
        metrics.unregisterGauge();
        return drained;
    }

    /**
     * Hard stop (crash tests): the persister stops at once, persists nothing more and acks nothing
     * more; producers blocked on a full ring get IllegalStateException. A store call already in
     * progress runs to its end but its frames are not acked. Does not wait: see awaitTermination.
     */
    public void halt() {
        halt.halt();
        admission.close();
        for (PersisterLane lane : lanes) {
            lane.alert(true);
        }
    }

    /** Waits up to {@code timeout} in all for every persister thread to end (after close or halt). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PersisterLane lane : lanes) {
            if (!lane.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    private boolean onPersisterThread() {
        for (PersisterLane lane : lanes) {
            if (lane.isCurrentThread()) {
                return true;
            }
        }
        return false;
    }

    private void beginClose() {
        if (admission.close()) {
            for (PersisterLane lane : lanes) {
                lane.alert(false); // wakes an idle persister so it enters drain mode
            }
        }
    }

    /** Settings, validated by {@link #build()} with messages naming the setting. */
    public static final class Builder {
        private Supplier<? extends EventStore> stores;
        private boolean oneStoreForAll;
        private int writers = 1;
        private int ringSize = 8192;
        private int maxBatchEvents = 2000;
        private Duration linger = Duration.ofMillis(2);
        private MeterRegistry meterRegistry;
        private CommitListener commitListener = CommitListener.NO_OP;
        private InsertedRowListener insertedRows = InsertedRowListener.NO_OP;
        private Duration retryMin = Duration.ofMillis(50);
        private Duration retryMax = Duration.ofSeconds(2);

        private Builder() {
        }

        /** The store of a single writer. */
        public Builder eventStore(EventStore eventStore) {
            this.stores = eventStore == null ? null : () -> eventStore;
            this.oneStoreForAll = true;
            return this;
        }

        /**
         * A store per writer, made once per writer at build (a store keeps per-writer state: its
         * connection's buffers); needed when {@link #writers(int)} is more than one.
         */
        public Builder eventStores(Supplier<? extends EventStore> stores) {
            this.stores = stores;
            this.oneStoreForAll = false;
            return this;
        }

        /**
         * Persister threads writing in parallel, each with its own ring of {@link #ringSize(int)}
         * slots and its own store; a connection's frames always go to the same one. Default 1.
         */
        public Builder writers(int writers) {
            this.writers = writers;
            return this;
        }

        /** Ring slots (frames, not events); a power of two; default 8192. */
        public Builder ringSize(int ringSize) {
            this.ringSize = ringSize;
            return this;
        }

        /** Rows per combined write before it is flushed without lingering; default 2000. */
        public Builder maxBatchEvents(int maxBatchEvents) {
            this.maxBatchEvents = maxBatchEvents;
            return this;
        }

        /** How long an idle ring is waited on for more frames before a partial batch is written; default 2 ms. */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /** Default: a private SimpleMeterRegistry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public Builder commitListener(CommitListener commitListener) {
            this.commitListener = commitListener;
            return this;
        }

        /** Told each stored row after its commit (task metrics); default none. */
        public Builder insertedRowListener(InsertedRowListener listener) {
            this.insertedRows = listener;
            return this;
        }

        /** Exponential backoff between retries of a transient store failure; default 50 ms .. 2 s. */
        public Builder retryBackoff(Duration min, Duration max) {
            this.retryMin = min;
            this.retryMax = max;
            return this;
        }

        /** Validates the settings and starts the persister. */
        public IngestPipeline build() {
            if (stores == null) {
                throw new IllegalArgumentException("eventStore is required");
            }
            if (writers < 1 || writers > MAX_WRITERS) {
                throw new IllegalArgumentException("writers must be 1.." + MAX_WRITERS + ", got " + writers);
            }
            if (writers > 1 && oneStoreForAll) {
                throw new IllegalArgumentException("writers = " + writers
                        + " needs a store per writer: eventStores(...)");
            }
            if (ringSize < 1 || Integer.bitCount(ringSize) != 1) {
                throw new IllegalArgumentException("ringSize must be a positive power of two, got " + ringSize);
            }
            if (maxBatchEvents < 1) {
                throw new IllegalArgumentException("maxBatchEvents must be >= 1, got " + maxBatchEvents);
            }
            if (linger == null || linger.isNegative()) {
                throw new IllegalArgumentException("linger must be >= 0, got " + linger);
            }
            if (retryMin == null || retryMin.isNegative() || retryMin.isZero()) {
                throw new IllegalArgumentException("retryBackoff min must be > 0, got " + retryMin);
            }
            if (retryMax == null || retryMax.compareTo(retryMin) < 0) {
                throw new IllegalArgumentException("retryBackoff max must be >= min (" + retryMin + "), got " + retryMax);
            }
            if (commitListener == null) {
                throw new IllegalArgumentException("commitListener must not be null (use CommitListener.NO_OP)");
            }
            if (insertedRows == null) {
                throw new IllegalArgumentException("insertedRowListener must not be null (use InsertedRowListener.NO_OP)");
            }
            if (meterRegistry == null) {
                meterRegistry = new SimpleMeterRegistry();
            }
            return new IngestPipeline(this);
        }
    }
}
