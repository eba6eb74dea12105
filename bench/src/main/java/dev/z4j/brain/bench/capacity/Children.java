package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every process Capacity starts (brains, load generators). A shutdown hook stops whatever is still
 * alive, so a failed or interrupted run never leaves a brain holding ports or a loadgen hammering it.
 */
final class Children {
    private final List<Process> processes = new ArrayList<>();

    Children() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "capacity-children"));
    }

    synchronized Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}; the process's own children go with it. */
    static void stop(Process p, int graceSeconds) {
        if (!p.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    synchronized void stopAll() {
        for (Process p : processes) {
            stop(p, 5);
        }
        processes.clear();
    }
}
