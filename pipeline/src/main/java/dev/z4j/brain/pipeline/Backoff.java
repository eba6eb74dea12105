package dev.z4j.brain.pipeline;

import java.time.Duration;

/** Exponential retry delays from {@code min}, doubling up to {@code max}; one instance per writer. */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private long nextNanos;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = minNanos;
    }

    /** The delay to wait now; the following call returns twice as much, capped at max. */
    long nextDelayNanos() {
        long delay = nextNanos;
        nextNanos = delay >= maxNanos / 2 ? maxNanos : delay * 2;
        return delay;
    }

    void reset() {
        nextNanos = minNanos;
    }
}
