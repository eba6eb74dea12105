package dev.z4j.brain.loadgen;

import java.util.concurrent.locks.LockSupport;

/**
 * The time a Python agent spends on each frame it signs or verifies (pydantic parse of the
 * buffered row, canonical JSON, HMAC, serialisation). Java does the same work about ten times
 * faster, and a client that writes ten times faster keeps the brain's socket busier and fills
 * kernel buffers sooner, so the simulated agent pays this per frame. During that time the loop
 * thread does no I/O at all, exactly like a CPU-bound coroutine.
 *
 * <p>The time is spent parked, not spinning, in slices of at least {@link #SLICE_NANOS}
 * (sub-millisecond parks are imprecise): the simulated agents leave the machine's cores to the
 * brain, where real Python agents would compete for them. Over any span the owed time is paid
 * within about one slice.
 */
final class FrameCost {
    static final long SLICE_NANOS = 1_000_000;

    private final long perFrameNanos;
    private long owed;

    FrameCost(long perFrameNanos) {
        this.perFrameNanos = perFrameNanos;
    }

    /** Accounts one frame; parks once a slice's worth is owed. */
    void frame() {
        if (perFrameNanos <= 0) {
            return;
        }
        owed += perFrameNanos;
        if (owed >= SLICE_NANOS) {
            long start = System.nanoTime();
            LockSupport.parkNanos(owed);
            // An overslept park is paid back by the next frames, but never more than a slice of them:
            // a descheduled thread must not turn into a burst.
            owed = Math.max(-SLICE_NANOS, owed - (System.nanoTime() - start));
        }
    }
}
