package dev.z4j.brain.store;

import java.time.Instant;

/**
 * One opened database (PostgreSQL or SQLite): schema, the event writer, the directory, and the
 * background maintenance jobs. {@link #open} picks the implementation from the URL.
 */
public interface Database extends AutoCloseable {

    enum Kind { POSTGRES, SQLITE }

    Kind kind();

    /** Applies pending versioned migrations; idempotent; safe to call from several replicas. */
    void migrate() throws StoreException;

    /** A new event writer (each pipeline persister owns one). */
    EventStore eventStore();

    Directory directory();

    CommandStore commands();

    /** Users, sessions, memberships, API keys, audit log, and projects and agents as operators see them. */
    Access access();

    /** What the operator API reads (task lists, timelines, workers, stats, ...). */
    dev.z4j.brain.store.read.OperatorReads reads();

    /**
     * A new connection outside the pool, for PostgreSQL LISTEN (one per replica). Same settings as
     * pooled ones except no statement timeout. SQLite: throws (no LISTEN/NOTIFY).
     */
    java.sql.Connection dedicatedConnection() throws StoreException;

    /** {@code pg_notify(channel, payload)} through the pool (PostgreSQL); a no-op on SQLite. */
    void notify(String channel, String payload) throws StoreException;

    /** True if a trivial query succeeds within a short timeout (readiness probe). */
    boolean ping();

    /**
     * Creates the daily event partitions for today .. today+{@code daysAhead} (UTC) on PostgreSQL;
     * no-op on SQLite. Returns how many partitions exist for that window.
     */
    int ensurePartitions(Instant now, int daysAhead) throws StoreException;

    /**
     * Retention: drops whole day partitions older than {@code retentionDays} before {@code now}
     * (PostgreSQL; also prunes the default partition), or deletes old rows in bounded chunks
     * (SQLite). Returns the number of partitions dropped (PostgreSQL) or rows deleted (SQLite).
     */
    long applyRetention(Instant now, int retentionDays) throws StoreException;

    /**
     * Moves the task ids the ingest added to the task search index since the last call into the
     * index proper (PostgreSQL: the trigram index's pending list, V017), so that neither the writer
     * nor a search pays for a long list; returns the pages moved. Nothing to do on SQLite.
     */
    default long mergeSearchIndexPending() throws StoreException {
        return 0;
    }

    /**
     * Runs {@code job} now unless another replica is running the job named {@code lockName} at this
     * moment: a try-lock for this one run ({@code pg_try_advisory_lock}), not a leader election;
     * the next run tries again, on whichever replica. Always runs on SQLite. Returns whether it ran.
     */
    boolean runIfNotRunningElsewhere(String lockName, StoreJob job) throws StoreException;

    @FunctionalInterface
    interface StoreJob {
        void run() throws StoreException;
    }

    @Override
    void close();
}
