package dev.z4j.brain.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocking wait with an optional per-wait deadline set by the single consumer.
 *
 * <p>Why blocking and not busy-spin/yield: the brain runs on 2 shared cores next to the web server
 * and its virtual-thread carriers; a spinning consumer would burn one of them while idle. Why not
 * {@code TimeoutBlockingWaitStrategy}: its timeout is fixed, so an idle ring would wake the consumer
 * every linger period; here the consumer sleeps untimed while it holds nothing and only bounds the
 * wait by the linger deadline of the batch it is gathering. Producers take the lock only when the
 * consumer is actually parked, so the publish path stays lock-free while the consumer is busy.
 */
final class LingerWaitStrategy implements WaitStrategy {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private volatile boolean consumerParked;

    // Written and read only by the consumer thread (set just before it calls barrier.waitFor).
    private boolean timed;
    private long deadlineNanos;

    /** The next waits give up with TimeoutException once System.nanoTime() passes the deadline. */
    void waitUntil(long deadlineNanos) {
        this.timed = true;
        this.deadlineNanos = deadlineNanos;
    }

    /** The next waits block until something is published or the barrier is alerted. */
    void waitIndefinitely() {
        this.timed = false;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException {
        if (cursor.get() < sequence) {
            lock.lock();
            try {
                // Dekker pair with signalAllWhenBlocking: flag first, then re-read the cursor.
                consumerParked = true;
                while (cursor.get() < sequence) {
                    barrier.checkAlert();
                    if (timed) {
                        long left = deadlineNanos - System.nanoTime();
                        if (left <= 0) {
                            throw TimeoutException.INSTANCE;
                        }
                        published.awaitNanos(left);
                    } else {
                        published.await();
                    }
                }
            } finally {
                consumerParked = false;
                lock.unlock();
            }
        }
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        if (consumerParked) {
            lock.lock();
            try {
                published.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
