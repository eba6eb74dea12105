package dev.z4j.brain.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The read replica's own small pool: same session settings as the primary's, no staging tables. */
final class StandbyPool {
    /** A read waits at most this long for a standby connection before the primary answers it. */
    static final long CONNECTION_TIMEOUT_MS = 1_000;

    private StandbyPool() {}

    /**
     * Opens lazily: a standby that is down when the brain starts only sends reads to the primary,
     * it does not stop the brain.
     */
    static HikariDataSource open(ReadReplicaConfig replica, long statementTimeoutMs) {
        PostgresUrl url = PostgresUrl.parse(replica.url(), ReadReplicaConfig.URL_SETTING);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("z4j-postgres-read");
        hikari.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            hikari.setUsername(url.user());
        }
        if (url.password() != null) {
            hikari.setPassword(url.password());
        }
        hikari.setMaximumPoolSize(replica.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(Math.min(CONNECTION_TIMEOUT_MS, 1_000));
        hikari.setInitializationFailTimeout(-1);
        hikari.setReadOnly(true);
        // Temp tables cannot be created on a hot standby, so only the time zone of CONNECTION_INIT.
        hikari.setConnectionInitSql("SET TIME ZONE 'UTC'");
        hikari.addDataSourceProperty("options", PostgresDatabase.sessionOptions(statementTimeoutMs, true));
        hikari.addDataSourceProperty("connectTimeout", "1");
        hikari.addDataSourceProperty("loginTimeout", "2");
        // A standby that vanishes from the network fails the read (and it goes to the primary)
        // shortly after the statement timeout instead of hanging on a dead socket.
        hikari.addDataSourceProperty("socketTimeout", String.valueOf(statementTimeoutMs / 1000 + 5));
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("ApplicationName", "z4j-brain-read");
        return new HikariDataSource(hikari);
    }
}
