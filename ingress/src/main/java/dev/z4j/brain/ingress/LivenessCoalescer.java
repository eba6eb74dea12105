package dev.z4j.brain.ingress;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collects heartbeats and other signs of life and writes them in one statement per table per
 * flush, instead of one UPDATE per heartbeat per worker (docs/ARCHITECTURE.md, "Workers, queues and agent liveness").
 */
public final class LivenessCoalescer {
    private static final Logger LOG = Logger.getLogger(LivenessCoalescer.class.getName());

    private record Key(java.util.UUID agentId, String workerId) {}

    private final Directory directory;
    private final ReentrantLock flushing = new ReentrantLock(); // not a monitor: the flush writes to the database
    // Swapped on flush; a heartbeat racing the swap may land in the old map and wait for the next one.
    private volatile ConcurrentHashMap<Key, Instant> latest = new ConcurrentHashMap<>();

    public LivenessCoalescer(Directory directory) {
        this.directory = directory;
    }

    /** Cheap and non-blocking: the newest time per (agent, worker) wins. */
    public void seen(java.util.UUID agentId, String workerId, Instant at) {
        latest.merge(new Key(agentId, workerId), at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Writes everything seen since the last flush; on failure keeps it for the next one. */
    public int flush() {
        flushing.lock();
        try {
            return flushLocked();
        } finally {
            flushing.unlock();
        }
    }

    private int flushLocked() {
        ConcurrentHashMap<Key, Instant> batch = latest;
        if (batch.isEmpty()) {
            return 0;
        }
        latest = new ConcurrentHashMap<>();
        List<Directory.Liveness> rows = new ArrayList<>(batch.size());
        batch.forEach((k, t) -> rows.add(new Directory.Liveness(k.agentId(), k.workerId(), t)));
        try {
            directory.touch(rows);
            return rows.size();
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "liveness flush failed, will retry: {0}", e.getMessage());
            batch.forEach((k, t) -> latest.merge(k, t, (a, b) -> a.isAfter(b) ? a : b));
            return 0;
        }
    }
}
