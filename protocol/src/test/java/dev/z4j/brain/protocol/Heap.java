package dev.z4j.brain.protocol;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Weighs what a connection's objects and its parked thread keep: heap used after full collections. */
final class Heap {
    private Heap() {}

    interface Work {
        void run() throws Exception;
    }

    /**
     * Bytes each of {@code threads} parked virtual threads still holds after running {@code work}
     * (its stack included: compare with a thread that ran nothing).
     */
    static double retainedPerParkedThread(int threads, Work work) throws Exception {
        long before = usedAfterGc();
        CountDownLatch ran = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    work.run();
                    ran.countDown();
                    release.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        ran.await();
        long during = usedAfterGc();
        release.countDown();
        for (Thread t : started) {
            t.join();
        }
        return (double) (during - before) / threads;
    }

    static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
