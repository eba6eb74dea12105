package dev.z4j.brain.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;

/**
 * The single consumer: gather frames (smart batching), persist them in one write, ack them, and
 * only then release their slots. Holding the slots until the ack is what makes a stalled store fill
 * the ring and block producers, and what lets the entries be read without copying.
 */
final class PersisterLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(PersisterLoop.class.getName());
    // While closing, idle waits are bounded so the loop notices the last publisher leaving.
    private static final long DRAIN_POLL_NANOS = 1_000_000L;

    private final RingBuffer<IngestEntry> ring;
    private final SequenceBarrier barrier;
    private final Sequence consumed;
    private final LingerWaitStrategy waitStrategy;
    private final RingSpace ringSpace;
    private final Admission admission;
    private final HaltSignal halt;
    private final Runnable haltPipeline;
    private final BatchPersister persister;
    private final FrameAcker acker;
    private final int maxBatchEvents;
    private final long lingerNanos;
    private final GatheredBatch batch;

    private boolean drained;
    private long next;
    private long available = -1;

    PersisterLoop(RingBuffer<IngestEntry> ring, SequenceBarrier barrier, Sequence consumed,
                  LingerWaitStrategy waitStrategy, RingSpace ringSpace, Admission admission, HaltSignal halt,
                  Runnable haltPipeline, BatchPersister persister, FrameAcker acker, int maxBatchEvents,
                  long lingerNanos) {
        this.ring = ring;
        this.barrier = barrier;
        this.consumed = consumed;
        this.waitStrategy = waitStrategy;
        this.ringSpace = ringSpace;
        this.admission = admission;
        this.halt = halt;
        this.haltPipeline = haltPipeline;
        this.persister = persister;
        this.acker = acker;
        this.maxBatchEvents = maxBatchEvents;
        this.lingerNanos = lingerNanos;
        this.batch = new GatheredBatch(Math.min(ring.getBufferSize(), 1024), maxBatchEvents);
        this.next = consumed.get() + 1;
    }

    @Override
    public void run() {
        try {
            while (gather()) {
                persister.persist(batch);
                if (halt.isHalted()) {
                    return; // crash semantics: committed maybe, acked never; agents resend, dedupe absorbs it
                }
                acker.ackAll(batch);
                long last = batch.lastSequence();
                batch.clear();
                consumed.set(last);
                ringSpace.released();
            }
        } catch (Halted halted) {
            // halt() interrupted a store retry: stop without acking.
        } finally {
            if (!drained && !halt.isHalted()) {
                // Died of something unforeseen (an Error): fail producers fast instead of blocking them
                // forever, on every lane (the other writers stop too: the pipeline is one unit to its users).
                LOG.log(System.Logger.Level.ERROR, "pipeline persister stopped unexpectedly; refusing further publishes");
                haltPipeline.run();
            }
        }
    }

    /**
     * Fills {@link #batch} until it holds {@code maxBatchEvents} rows, or the ring has nothing more
     * and the linger since the first gathered frame has passed. Returns false when the loop must stop.
     */
    private boolean gather() {
        long deadline = 0;
        while (true) {
            if (halt.isHalted()) {
                return false;
            }
            if (next <= available) {
                IngestEntry entry = ring.get(next);
                if (!batch.isEmpty() && batch.rowCount() + entry.rowCount() > maxBatchEvents) {
                    return true; // frames are never split: this one starts the next batch
                }
                if (batch.isEmpty()) {
                    deadline = System.nanoTime() + lingerNanos;
                }
                batch.add(entry, next++);
                if (batch.rowCount() >= maxBatchEvents) {
                    return true;
                }
                continue;
            }
            if (!batch.isEmpty()) {
                if (lingerNanos == 0 || System.nanoTime() - deadline >= 0) {
                    return true;
                }
                waitStrategy.waitUntil(deadline);
            } else if (admission.isClosed()) {
                if (admission.quiescent() && ring.getCursor() < next) {
                    drained = true;
                    return false; // drained: everything admitted before close is acked
                }
                waitStrategy.waitUntil(System.nanoTime() + DRAIN_POLL_NANOS);
            } else {
                waitStrategy.waitIndefinitely();
            }
            try {
                available = barrier.waitFor(next);
                if (available < next) {
                    Thread.onSpinWait(); // slot claimed but not yet published by its producer
                }
            } catch (TimeoutException lingerOver) {
                // loop: flush the gathered frames, or re-check the drain condition
            } catch (AlertException alerted) {
                if (halt.isHalted()) {
                    return false;
                }
                barrier.clearAlert(); // close(): keep gathering, now in drain mode
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
