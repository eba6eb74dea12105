package dev.z4j.brain.protocol;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The buffers canonical envelopes are written into, shared by every connection. A buffer kept per
 * connection grows to the largest frame that connection ever carried (a batch of 500 events is
 * about 250 KB) and stays for the socket's life; borrowed here, an idle agent holds none.
 */
final class SinkPool {
    /** Buffers kept for reuse: more than the threads that sign or verify at once on a busy brain. */
    static final int KEPT = 64;
    /** A buffer grown past this is dropped on release rather than kept (the rare huge frame). */
    static final int LARGEST_KEPT_BYTES = 256 * 1024;

    static final SinkPool SHARED = new SinkPool();

    private final ArrayBlockingQueue<ByteSink> idle = new ArrayBlockingQueue<>(KEPT);

    ByteSink borrow() {
        ByteSink sink = idle.poll();
        return sink != null ? sink : new ByteSink(1024);
    }

    void release(ByteSink sink) {
        if (sink.array().length <= LARGEST_KEPT_BYTES) {
            sink.reset();
            idle.offer(sink); // full: dropped for the GC
        }
    }
}
