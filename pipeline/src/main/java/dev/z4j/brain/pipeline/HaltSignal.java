package dev.z4j.brain.pipeline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One-way "stop now" flag that also cuts short any backoff sleep waiting on it. */
final class HaltSignal {
    private final CountDownLatch halted = new CountDownLatch(1);

    void halt() {
        halted.countDown();
    }

    boolean isHalted() {
        return halted.getCount() == 0;
    }

    /** Sleeps up to {@code nanos}; returns true if halted meanwhile (or already). */
    boolean sleepUnlessHalted(long nanos) {
        try {
            return halted.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
