package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.JdbcRunner;
import dev.z4j.brain.store.read.JdbcWork;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default database: {@code $Z4J_HOME/z4j.db} in WAL mode. One writer connection
 * (SQLite allows one writer per file) serves the event stores, directory writes and maintenance;
 * a second connection serves directory reads, which WAL lets run beside the writer.
 */
public final class SqliteDatabase implements Database {
    static final String FILE_NAME = "z4j.db";

    private final LockedConnection writer;
    private final LockedConnection reader;
    private final SqliteDirectory directory;
    private final SqliteCommandStore commands;
    private final Access access;
    private final SqlOperatorReads reads;

    private SqliteDatabase(LockedConnection writer, LockedConnection reader) {
        this.writer = writer;
        this.reader = reader;
        this.directory = new SqliteDirectory(writer, reader);
        this.commands = new SqliteCommandStore(writer, reader);
        this.access = Access.over(new SqliteSql(writer, reader));
        this.reads = new SqlOperatorReads(new JdbcRunner() {
            @Override
            public <T> T read(String what, JdbcWork<T> work) throws StoreException {
                return reader.read(what, work::run);
            }

            @Override
            public <T> T write(String what, JdbcWork<T> work) throws StoreException {
                return writer.inTransaction(what, work::run);
            }
        }, SqliteReadDialect.INSTANCE);
    }

    /**
     * Opens (creating if needed) {@code config.home()/z4j.db}. {@code config.statementTimeoutMs()}
     * becomes SQLite's busy_timeout: how long a statement waits for the file's write lock.
     */
    public static Database open(DatabaseConfig config) throws StoreException {
        Path file = prepareHome(config.home()).resolve(FILE_NAME);
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Connection writerConnection = null;
        try {
            writerConnection = connect(url, config.statementTimeoutMs(), false);
            Connection readerConnection = connect(url, config.statementTimeoutMs(), true);
            return new SqliteDatabase(new LockedConnection(writerConnection), new LockedConnection(readerConnection));
        } catch (SQLException e) {
            closeQuietly(writerConnection);
            throw SqliteErrors.wrap("opening SQLite database " + file, e);
        }
    }

    private static Path prepareHome(Path home) throws StoreException {
        try {
            Files.createDirectories(home);
        } catch (IOException | SecurityException e) {
            throw new StoreException("cannot create Z4J_HOME " + home + " (" + e + "); set Z4J_HOME to a writable folder", false, e);
        }
        if (!Files.isWritable(home)) {
            throw new StoreException("Z4J_HOME " + home + " is not writable; set Z4J_HOME to a writable folder", false, null);
        }
        return home;
    }

    private static Connection connect(String url, int busyTimeoutMs, boolean queryOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(busyTimeoutMs);
        config.enforceForeignKeys(true);
        Connection connection = config.createConnection(url);
        if (queryOnly) {
            // A guard against a write slipping onto the reader and racing the writer for the lock.
            try (Statement pragma = connection.createStatement()) {
                pragma.execute("PRAGMA query_only = 1");
            }
        }
        return connection;
    }

    @Override
    public Kind kind() {
        return Kind.SQLITE;
    }

    @Override
    public void migrate() throws StoreException {
        SqliteMigrations.apply(writer);
    }

    @Override
    public EventStore eventStore() {
        return new SqliteEventStore(writer);
    }

    @Override
    public Directory directory() {
        return directory;
    }

    @Override
    public CommandStore commands() {
        return commands;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public OperatorReads reads() {
        return reads;
    }

    /** Only PostgreSQL has LISTEN; a single SQLite process delivers commands in memory. */
    @Override
    public Connection dedicatedConnection() throws StoreException {
        throw new StoreException("LISTEN/NOTIFY needs PostgreSQL", false, null);
    }

    /** No other process shares the file, so there is nobody to notify. */
    @Override
    public void notify(String channel, String payload) {
    }

    @Override
    public boolean ping() {
        try {
            return reader.read("ping", connection -> {
                try (Statement query = connection.createStatement()) {
                    query.setQueryTimeout(2);
                    return query.executeQuery("SELECT 1").next();
                }
            });
        } catch (StoreException e) {
            return false;
        }
    }

    /** SQLite has no partitions: nothing to create. */
    @Override
    public int ensurePartitions(Instant now, int daysAhead) {
        return 0;
    }

    @Override
    public long applyRetention(Instant now, int retentionDays) throws StoreException {
        if (retentionDays <= 0) {
            throw new IllegalArgumentException("retentionDays must be > 0, was " + retentionDays);
        }
        return new EventRetention(writer, EventRetention.DEFAULT_CHUNK_ROWS)
                .deleteReceivedBefore(now.minus(retentionDays, ChronoUnit.DAYS));
    }

    /** A single process owns the file, so no other replica can be running the job. */
    @Override
    public boolean runIfNotRunningElsewhere(String lockName, StoreJob job) throws StoreException {
        job.run();
        return true;
    }

    @Override
    public void close() {
        reader.close();
        writer.close();
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already failing to open; the first error is the one to report.
            }
        }
    }
}
