package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounds the reads that run on the primary at once: the operator reads ({@code Z4J_DB_READS}
 * slots: REST lists, details, counts, background recounts), or the recounts among them
 * ({@link PrimaryReads}). Without it every dashboard request took a backend, and eight readers that
 * never pause got eight shares of the database's cores against the ingest writer's one: agents'
 * acks waited up to 16 s, 1.8 s behind two slots (docs/TUNING.md). Reads past the limit wait here,
 * first come first served, as long as they would have waited for a pooled connection, then get
 * "database busy".
 */
public final class ReadGate {
    /** A read that holds its slot while it runs. */
    @FunctionalInterface
    interface Read<T> {
        T run() throws StoreException;
    }

    private final String slotsName;
    private final int limit;
    private final long waitNanos;
    private final Semaphore slots;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    /** {@code slotsName}: what a refusal calls the slots, naming the setting that sizes them. */
    ReadGate(String slotsName, int limit, Duration wait) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        this.slotsName = slotsName;
        this.limit = limit;
        this.waitNanos = wait.toNanos();
        this.slots = new Semaphore(limit, true);
    }

    <T> T run(String what, Read<T> read) throws StoreException {
        waiting.incrementAndGet();
        boolean admitted;
        try {
            admitted = slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(what + ": interrupted while waiting for a read slot", true, e);
        } finally {
            waiting.decrementAndGet();
        }
        if (!admitted) {
            refused.increment();
            throw StoreException.busy(what + ": all " + limit + " " + slotsName + " stayed taken for "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms; retry in a moment", null);
        }
        inFlight.incrementAndGet();
        try {
            return read.run();
        } finally {
            inFlight.decrementAndGet();
            slots.release();
        }
    }

    public int limit() {
        return limit;
    }

    /** Reads running on the primary now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Reads waiting for a slot now. */
    public int waiting() {
        return waiting.get();
    }

    /** Reads answered "database busy" since start because no slot came free in time. */
    public long refused() {
        return refused.sum();
    }
}
