package dev.z4j.brain.registry;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Coalesces high-rate task changes (one per commit) into at most one notice per project per tick,
 * so dashboard traffic and NOTIFYs stay bounded however fast events arrive.
 */
public final class NoticeBatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NoticeBatcher.class.getName());

    private volatile Registry registry;
    private final Duration tick;
    private final ConcurrentHashMap<UUID, Long> counts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "z4j-notices");
        t.setDaemon(true);
        return t;
    });

    /** Built before the registry exists (the pipeline needs it first); {@link #attach} starts it. */
    public NoticeBatcher(Duration tick) {
        this.tick = tick;
    }

    public void attach(Registry registry) {
        this.registry = registry;
        timer.scheduleWithFixedDelay(this::flush, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Non-blocking: called on the persister thread after each commit. */
    public void taskChanges(Map<UUID, Integer> newEventsByProject) {
        newEventsByProject.forEach((project, n) -> counts.merge(project, (long) n, Long::sum));
    }

    void flush() {
        for (UUID project : counts.keySet()) {
            Long n = counts.remove(project);
            if (n != null) {
                try {
                    registry.publish(new Notice(project, Notice.TASK_CHANGED, n, null));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "task notice publish failed: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
