package dev.z4j.brain.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Disruptor ring between ingress and the store: many producers (one virtual thread per agent
 * connection) publish one entry per verified {@code event_batch} frame; one persister thread writes
 * the gathered frames in one store transaction and acks each frame only after that commit.
 *
 * <p>Guarantees: a full ring blocks the producer (never drops); acks go out in ring order, so per
 * connection in publish order; a failing store never kills the persister nor loses a frame
 * (transient failures are retried, bad data is isolated down to the poison event).
 */
public final class IngestPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IngestPipeline.class.getName());

    private final RingBuffer<IngestEntry> ring;
    private final SequenceBarrier barrier;
    private final RingSpace ringSpace;
    private final Admission admission = new Admission();
    private final HaltSignal halt = new HaltSignal();
    private final PipelineMetrics metrics;
    private final Thread persisterThread;

    private IngestPipeline(Builder b) {
        // Blocking, not spinning: 2 cores are shared with the web server (see LingerWaitStrategy).
        LingerWaitStrategy waitStrategy = new LingerWaitStrategy();
        // MULTI: many connection threads claim slots concurrently (CAS on the cursor).
        this.ring = RingBuffer.createMultiProducer(IngestEntry::new, b.ringSize, waitStrategy);
        Sequence consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
        ring.addGatingSequences(consumed);
        this.barrier = ring.newBarrier();
        this.ringSpace = new RingSpace(ring, halt);
        this.metrics = new PipelineMetrics(b.meterRegistry, ring::remainingCapacity, b.maxBatchEvents);

        RetryingWriter writer = new RetryingWriter(b.eventStore, new Backoff(b.retryMin, b.retryMax), halt, metrics);
        BatchPersister persister = new BatchPersister(writer, new BatchIsolator(writer, metrics), metrics);
        PersisterLoop loop = new PersisterLoop(ring, barrier, consumed, waitStrategy, ringSpace, admission, halt,
                persister, new FrameAcker(b.commitListener, b.insertedRows, metrics), b.maxBatchEvents, b.linger.toNanos());
        // A platform thread, not virtual: it blocks in JDBC most of the time and must not hold one of
        // the few carrier threads the connections' virtual threads share.
        this.persisterThread = Thread.ofPlatform()
                .name("z4j-pipeline-persister")
                .daemon(true)
                .uncaughtExceptionHandler((t, e) -> LOG.log(Level.ERROR, "pipeline persister died", e))
                .unstarted(loop);
        persisterThread.start();
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
            long sequence = ringSpace.claim();
            try {
                ring.get(sequence).set(target, batchId, received, rows, System.nanoTime());
            } finally {
                ring.publish(sequence); // always publish a claimed slot, or the consumer would stall on it
            }
        } finally {
            admission.exit();
        }
    }

    /** Free ring slots right now; 0 means producers are blocked. */
    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    /** True while publishes are accepted and the persister is alive. */
    public boolean isRunning() {
        return !admission.isClosed() && persisterThread.isAlive();
    }

    /**
     * Graceful, unbounded: refuses new publishes, persists and acks everything already published
     * (waits for the store to come back if it is down), then stops.
     */
    @Override
    public void close() {
        beginClose();
        if (Thread.currentThread() == persisterThread) {
            return; // called from an ack or listener: the loop finishes draining after it returns
        }
        try {
            persisterThread.join();
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
        if (Thread.currentThread() == persisterThread) {
            return false;
        }
        boolean drained;
        try {
            drained = persisterThread.join(timeout);
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
        barrier.alert();
        ringSpace.wakeAll();
    }

    /** Waits for the persister thread to end (after close or halt). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return persisterThread.join(timeout);
    }

    private void beginClose() {
        if (admission.close()) {
            barrier.alert(); // wakes an idle persister so it enters drain mode
        }
    }

    /** Settings, validated by {@link #build()} with messages naming the setting. */
    public static final class Builder {
        private EventStore eventStore;
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

        public Builder eventStore(EventStore eventStore) {
            this.eventStore = eventStore;
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
            if (eventStore == null) {
                throw new IllegalArgumentException("eventStore is required");
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
