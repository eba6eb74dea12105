package dev.z4j.brain.pipeline;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Claims ring slots for producers and parks them while the ring is full.
 *
 * <p>{@code RingBuffer.next()} waits for space by spinning on {@code parkNanos(1)}: with thousands of
 * virtual-thread producers behind a stalled store that is thousands of spinning tasks on 2 cores.
 * Here a full ring parks producers on a condition (a ReentrantLock, which does not pin virtual
 * threads) and the persister wakes them when it frees slots; back-pressure then reaches the socket.
 */
final class RingSpace {
    private final RingBuffer<IngestEntry> ring;
    private final HaltSignal halt;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final AtomicInteger parkedProducers = new AtomicInteger();

    RingSpace(RingBuffer<IngestEntry> ring, HaltSignal halt) {
        this.ring = ring;
        this.halt = halt;
    }

    /** Returns a claimed sequence; the caller must publish it. Blocks while the ring is full. */
    long claim() {
        while (true) {
            try {
                return ring.tryNext();
            } catch (InsufficientCapacityException full) {
                awaitSpace();
            }
        }
    }

    private void awaitSpace() {
        // Dekker pair with released(): announce first, then re-check capacity under the lock.
        parkedProducers.incrementAndGet();
        lock.lock();
        try {
            while (!ring.hasAvailableCapacity(1)) {
                if (halt.isHalted()) {
                    throw new IllegalStateException("pipeline halted while waiting for ring space");
                }
                spaceFreed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for ring space", e);
        } finally {
            lock.unlock();
            parkedProducers.decrementAndGet();
        }
    }

    /** Called by the persister after it moved its gating sequence forward. */
    void released() {
        if (parkedProducers.get() > 0) {
            wakeAll();
        }
    }

    /** Wakes every parked producer (slots freed, or halt so they can fail fast). */
    void wakeAll() {
        lock.lock();
        try {
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
