package dev.z4j.brain.ops;

import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Background jobs. They are scheduled on every replica, but each run first tries a cluster-wide
 * advisory lock named after the job and skips that run if another replica holds it, so one job
 * never runs twice at once (the original ran them in every process). There is no leader: the
 * next run tries again, on whichever replica gets there first.
 */
final class MaintenanceJobs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MaintenanceJobs.class.getName());
    static final int PARTITION_DAYS_AHEAD = 7;
    static final Duration COMMAND_SWEEP = Duration.ofSeconds(2);
    // A merge costs per index key it touches, so bigger merges cost less per task id: 200,000 ids
    // merged 2,000 at a time took 5.4-6.4 s, 10,000 at a time 2.7-2.9 s (docs/OPERATOR-READS.md).
    // Every 5 s: about 7,000 ids at 4,000 ev/s, 28,000 (20 MB) at 16,000, under the index's 32 MB;
    // each search reads the pending list too, about +0.4 ms per 1,000 ids waiting.
    static final Duration SEARCH_INDEX_MERGE = Duration.ofSeconds(5);

    private final Database db;
    private final BrainConfig config;
    private final Clock clock;
    private final Registry registry;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "z4j-maintenance");
        t.setDaemon(true);
        return t;
    });

    MaintenanceJobs(Database db, BrainConfig config, Clock clock, Registry registry) {
        this.db = db;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::partitionsAndRetention, 0, 1, TimeUnit.HOURS);
        long sweep = Math.max(1, config.agentOfflineTimeoutSeconds() / 3);
        timer.scheduleWithFixedDelay(this::staleSweep, sweep, sweep, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::commandTimeouts, 1, COMMAND_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::searchIndex, 1, SEARCH_INDEX_MERGE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The task ids ingest added to the search index, merged into it off the writer's path. */
    void searchIndex() {
        guarded("z4j.search-index", db::mergeSearchIndexPending);
    }

    /** Pending or dispatched commands past their timeout become {@code timeout}. */
    void commandTimeouts() {
        guarded("z4j.command-timeouts", () -> {
            for (CommandStore.Command c : db.commands().expire(clock.instant())) {
                registry.publish(new Notice(c.projectId(), Notice.COMMAND_CHANGED, 1, c.id().toString()));
            }
        });
    }

    /** Creates today+7 partitions and drops those past retention (PostgreSQL); bounded deletes on SQLite. */
    void partitionsAndRetention() {
        guarded("z4j.partitions", () -> {
            int ensured = db.ensurePartitions(clock.instant(), PARTITION_DAYS_AHEAD);
            long removed = db.applyRetention(clock.instant(), config.eventRetentionDays());
            LOG.log(Level.INFO, "partitions ensured: {0}, retention removed: {1}", new Object[] {ensured, removed});
        });
    }

    void staleSweep() {
        guarded("z4j.stale-sweep", () ->
                db.directory().markStaleOffline(clock.instant().minus(
                        Duration.ofSeconds(config.agentOfflineTimeoutSeconds()))));
    }

    private void guarded(String lock, Database.StoreJob job) {
        try {
            db.runIfNotRunningElsewhere(lock, job);
        } catch (StoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "job " + lock + " failed, will retry: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
