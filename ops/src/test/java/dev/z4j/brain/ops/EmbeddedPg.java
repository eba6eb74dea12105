package dev.z4j.brain.ops;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded PostgreSQL 17 for the module's tests; each test gets its own database. */
final class EmbeddedPg {
    private static EmbeddedPostgres pg;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private EmbeddedPg() {}

    static synchronized EmbeddedPostgres instance() {
        if (pg == null) {
            try {
                pg = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }));
        }
        return pg;
    }

    /** A new empty database; returns its Z4J_DATABASE_URL. */
    static String freshDatabase(String prefix) {
        String name = prefix + "_" + SEQ.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (Connection c = instance().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "postgresql://postgres:postgres@127.0.0.1:" + instance().getPort() + "/" + name;
    }
}
