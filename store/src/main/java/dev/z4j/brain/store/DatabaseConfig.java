package dev.z4j.brain.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach the database. {@code url == null} selects SQLite at {@code home/z4j.db}.
 *
 * @param url                 {@code postgresql://...} or {@code jdbc:postgresql://...}, or null
 * @param home                Z4J_HOME (SQLite file location)
 * @param statementTimeoutMs  statement_timeout for every pooled PostgreSQL connection
 * @param poolSize            maximum pooled connections (PostgreSQL)
 * @param readsAtOnce         operator reads running on the PostgreSQL primary at once (Z4J_DB_READS), at most poolSize
 */
public record DatabaseConfig(String url, Path home, int statementTimeoutMs, int poolSize, int readsAtOnce) {
    /**
     * Z4J_DB_READS when it is not set. Two, because on a two-core database eight dashboard readers
     * at 4 slots still held the ingest writer's acks up to 13 s and at 2 slots 1.8 s, while the
     * reads served per second equalled those with no bound at all (docs/TUNING.md).
     */
    public static final int DEFAULT_READS_AT_ONCE = 2;

    public DatabaseConfig(String url, Path home, int statementTimeoutMs, int poolSize) {
        this(url, home, statementTimeoutMs, poolSize, DEFAULT_READS_AT_ONCE); // poolSize is at least 2
    }

    public DatabaseConfig {
        Objects.requireNonNull(home, "home");
        if (statementTimeoutMs <= 0) {
            throw new IllegalArgumentException("statementTimeoutMs must be > 0, was " + statementTimeoutMs);
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2, was " + poolSize);
        }
        if (readsAtOnce < 1 || readsAtOnce > poolSize) {
            throw new IllegalArgumentException("readsAtOnce must be 1.." + poolSize + " (poolSize), was " + readsAtOnce);
        }
    }

    public boolean isPostgres() {
        return url != null && !url.isBlank();
    }
}
