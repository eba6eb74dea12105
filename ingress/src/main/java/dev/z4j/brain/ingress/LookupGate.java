package dev.z4j.brain.ingress;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the agent-token lookups that run against the database at once. A connect storm then
 * queues its upgrades here (each on its own virtual thread) instead of taking every pooled
 * connection away from the persister and the operator API; nobody is refused for waiting.
 * Also counts what is in flight and the peak since start, for /metrics and the capacity bench.
 */
final class LookupGate {
    /** A database lookup that may fail. */
    @FunctionalInterface
    interface Lookup<T> {
        T run();
    }

    private final Semaphore permits;
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();

    LookupGate(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        this.limit = limit;
        this.permits = new Semaphore(limit, true); // first come, first served
    }

    /** Runs {@code lookup} once a permit is free (waits for one, interruptibly). */
    <T> T run(Lookup<T> lookup) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            permits.acquire();
        } finally {
            waiting.decrementAndGet();
        }
        try {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return lookup.run();
        } finally {
            inFlight.decrementAndGet();
            permits.release();
        }
    }

    int limit() {
        return limit;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** The most lookups that ever ran at once since start. */
    int peak() {
        return peak.get();
    }

    /** Upgrades waiting for a permit right now. */
    int waiting() {
        return waiting.get();
    }
}
