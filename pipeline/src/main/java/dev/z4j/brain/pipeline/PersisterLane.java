package dev.z4j.brain.pipeline;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * One writer of the pipeline: its own ring, its persister thread and its store (one database
 * connection). The pipeline hands each connection's frames to one lane, so that connection's acks
 * keep their publish order while lanes write in parallel.
 */
final class PersisterLane {
    private static final System.Logger LOG = System.getLogger(PersisterLane.class.getName());

    private final RingBuffer<IngestEntry> ring;
    private final SequenceBarrier barrier;
    private final RingSpace ringSpace;
    private final Thread thread;

    PersisterLane(int index, int ringSize, EventStore store, int maxBatchEvents, Duration linger, Backoff backoff,
                  Admission admission, HaltSignal halt, Runnable haltPipeline, PipelineMetrics metrics,
                  CommitListener commits, InsertedRowListener insertedRows) {
        // Blocking, not spinning: 2 cores are shared with the web server (see LingerWaitStrategy).
        LingerWaitStrategy waitStrategy = new LingerWaitStrategy();
        // MULTI: many connection threads claim slots concurrently (CAS on the cursor).
        this.ring = RingBuffer.createMultiProducer(IngestEntry::new, ringSize, waitStrategy);
        Sequence consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
        ring.addGatingSequences(consumed);
        this.barrier = ring.newBarrier();
        this.ringSpace = new RingSpace(ring, halt);
        RetryingWriter writer = new RetryingWriter(store, backoff, halt, metrics);
        BatchPersister persister = new BatchPersister(writer, new BatchIsolator(writer, metrics), metrics);
        PersisterLoop loop = new PersisterLoop(ring, barrier, consumed, waitStrategy, ringSpace, admission, halt,
                haltPipeline, persister, new FrameAcker(commits, insertedRows, metrics), maxBatchEvents, linger.toNanos());
        // A platform thread, not virtual: it blocks in JDBC most of the time and must not hold one of
        // the few carrier threads the connections' virtual threads share.
        this.thread = Thread.ofPlatform()
                .name("z4j-pipeline-persister-" + index)
                .daemon(true)
                .uncaughtExceptionHandler((t, e) -> LOG.log(Level.ERROR, "pipeline persister died", e))
                .unstarted(loop);
    }

    void start() {
        thread.start();
    }

    /** Blocks (never drops) while this lane's ring is full. */
    void publish(AckTarget target, String batchId, int received, List<EventRow> rows) {
        long sequence = ringSpace.claim();
        try {
            ring.get(sequence).set(target, batchId, received, rows, System.nanoTime());
        } finally {
            ring.publish(sequence); // always publish a claimed slot, or the consumer would stall on it
        }
    }

    long remainingCapacity() {
        return ring.remainingCapacity();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /** Wakes an idle persister (close: drain mode; halt: stop) and producers parked on a full ring. */
    void alert(boolean wakeProducers) {
        barrier.alert();
        if (wakeProducers) {
            ringSpace.wakeAll();
        }
    }

    void join() throws InterruptedException {
        thread.join();
    }

    /** Waits up to {@code timeout} for the persister to end; false if it still runs. */
    boolean join(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }
}
