package dev.z4j.brain.store.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * A streaming standby that serves the operator API's lists, details, stats and exports
 * (Z4J_DATABASE_READ_URL), and how stale its answers may be (Z4J_READ_MAX_LAG_MS).
 *
 * @param url         {@code postgresql://...} of the standby; same syntax as Z4J_DATABASE_URL
 * @param maxLag      replay lag beyond which reads go to the primary
 * @param checkEvery  how often the lag is measured (and a down standby probed)
 * @param poolSize    connections of the standby's own pool
 */
public record ReadReplicaConfig(String url, Duration maxLag, Duration checkEvery, int poolSize) {
    public static final String URL_SETTING = "Z4J_DATABASE_READ_URL";
    public static final String LAG_SETTING = "Z4J_READ_MAX_LAG_MS";

    public ReadReplicaConfig {
        Objects.requireNonNull(url, "url");
        PostgresUrl.parse(url, URL_SETTING); // refuses anything but a PostgreSQL URL, naming the setting
        if (maxLag.toMillis() < 1) {
            throw new IllegalArgumentException(LAG_SETTING + " must be >= 1 ms, was " + maxLag.toMillis());
        }
        if (checkEvery.toMillis() < 10) {
            throw new IllegalArgumentException("checkEvery must be >= 10 ms, was " + checkEvery);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
        }
    }

    /** Without the password (the URL may carry one). */
    @Override
    public String toString() {
        return "ReadReplicaConfig[" + PostgresUrl.parse(url, URL_SETTING) + ", maxLag=" + maxLag
                + ", checkEvery=" + checkEvery + ", poolSize=" + poolSize + "]";
    }

    /**
     * The lag is measured five times per bound (at most once a second, at least every 50 ms): a
     * standby that falls behind is noticed within a fifth of the staleness operators accepted.
     */
    public static ReadReplicaConfig of(String url, Duration maxLag, int poolSize) {
        long every = Math.max(50, Math.min(1_000, maxLag.toMillis() / 5));
        return new ReadReplicaConfig(url, maxLag, Duration.ofMillis(every), poolSize);
    }
}
