package dev.z4j.brain.pipeline;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether producers may still publish, and how many are inside {@code publish} right now, so a
 * graceful close knows when the last frame that was let in has been published.
 */
final class Admission {
    // One shared counter costs a contended CAS per frame, no worse than the ring's own claim CAS.
    private final AtomicInteger publishing = new AtomicInteger();
    private volatile boolean closed;

    /** Returns false if closed; on true the caller must call {@link #exit()} when done. */
    boolean enter() {
        // Dekker pair with close(): count first, then read the flag.
        publishing.incrementAndGet();
        if (closed) {
            publishing.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        publishing.decrementAndGet();
    }

    /** Returns true for the call that actually closed it. */
    synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Closed and nobody is still inside publish: every admitted frame is in the ring. */
    boolean quiescent() {
        return closed && publishing.get() == 0;
    }
}
