package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.StoreException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded PostgreSQL for the whole test JVM; each test class gets its own fresh database. */
public final class SharedPostgres {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    // held strongly so the level sticks: zonky logs every initdb line at INFO
    private static final java.util.logging.Logger ZONKY = quiet("io.zonky");
    private static final java.util.logging.Logger HIKARI = quiet("com.zaxxer.hikari");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private SharedPostgres() {}

    static synchronized EmbeddedPostgres instance() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    /** Creates an empty database and returns its libpq-style URL (credentials included). */
    public static String freshDatabaseUrl(String prefix) {
        String name = prefix.toLowerCase() + "_" + COUNTER.incrementAndGet();
        try (Connection c = instance().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "postgresql://postgres:postgres@localhost:" + instance().getPort() + "/" + name;
    }

    static DatabaseConfig config(String url, int statementTimeoutMs) {
        return new DatabaseConfig(url, Path.of("/tmp"), statementTimeoutMs, 4);
    }

    static PostgresDatabase open(String url) throws StoreException {
        return PostgresDatabase.open(config(url, 10_000), Duration.ofSeconds(2));
    }

    /** A plain JDBC connection to {@code url} (outside the brain's pools), for checks on what it wrote. */
    static Connection connect(String url) throws SQLException {
        PostgresUrl u = PostgresUrl.parse(url);
        return DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password());
    }

    public static PostgresDatabase openMigrated(String url) throws StoreException {
        PostgresDatabase db = open(url);
        db.migrate();
        return db;
    }
}
