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
 */
public record DatabaseConfig(String url, Path home, int statementTimeoutMs, int poolSize) {
    public DatabaseConfig {
        Objects.requireNonNull(home, "home");
        if (statementTimeoutMs <= 0) {
            throw new IllegalArgumentException("statementTimeoutMs must be > 0, was " + statementTimeoutMs);
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2, was " + poolSize);
        }
    }

    public boolean isPostgres() {
        return url != null && !url.isBlank();
    }
}
