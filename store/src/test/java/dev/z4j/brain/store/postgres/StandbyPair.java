package dev.z4j.brain.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A primary and a streaming standby made from the embedded PostgreSQL 17 binaries. zonky ships only
 * initdb, pg_ctl and postgres (no pg_basebackup), so the standby is a cold base backup: the primary
 * is stopped cleanly, its data directory copied, and the copy gets what {@code pg_basebackup -R}
 * would write (standby.signal and primary_conninfo). Both then run; the standby streams from the
 * primary's shutdown checkpoint on. The standby can be stopped and started again on its port.
 * Also used by the capacity tool's read-replica step (bench), which seeds the primary after the
 * start and lets the standby replay it.
 */
public final class StandbyPair implements AutoCloseable {
    /** Files of a running or stopped server that must not travel with the copy. */
    private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

    private final EmbeddedPostgres primary;
    private final Path primaryDir;
    private final Path standbyDir;
    private final int standbyPort;
    private final Map<String, String> settings;
    private EmbeddedPostgres standby;

    private StandbyPair(EmbeddedPostgres primary, Path primaryDir, Path standbyDir, int standbyPort,
                        Map<String, String> settings, EmbeddedPostgres standby) {
        this.primary = primary;
        this.settings = settings;
        this.primaryDir = primaryDir;
        this.standbyDir = standbyDir;
        this.standbyPort = standbyPort;
        this.standby = standby;
    }

    public static StandbyPair start() {
        return start(Map.of());
    }

    /** A pair whose servers both run with {@code settings} (postgresql.conf names) besides their own. */
    public static StandbyPair start(Map<String, String> settings) {
        try {
            Path primaryDir = Files.createTempDirectory("z4j-primary");
            EmbeddedPostgres first = primaryBuilder(primaryDir, settings).start();
            int primaryPort = first.getPort();
            first.close(); // a clean shutdown: the data directory is a consistent base backup
            Path standbyDir = Files.createTempDirectory("z4j-standby");
            copy(primaryDir, standbyDir);
            Files.writeString(standbyDir.resolve("standby.signal"), "");
            Files.writeString(standbyDir.resolve("postgresql.auto.conf"),
                    "\nprimary_conninfo = 'host=127.0.0.1 port=" + primaryPort
                            + " user=postgres application_name=z4j_standby'\n",
                    StandardOpenOption.APPEND);
            EmbeddedPostgres primary = primaryBuilder(primaryDir, settings).setPort(primaryPort).start();
            EmbeddedPostgres standby = standbyBuilder(standbyDir, 0, settings).start();
            StandbyPair pair = new StandbyPair(primary, primaryDir, standbyDir, standby.getPort(), settings, standby);
            if (!pair.inRecovery()) {
                throw new IllegalStateException("the copy did not start as a standby");
            }
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EmbeddedPostgres.Builder primaryBuilder(Path dir, Map<String, String> settings) {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                .setServerConfig("wal_level", "replica").setServerConfig("max_wal_senders", "4")
                .setServerConfig("max_connections", "60");
        settings.forEach(b::setServerConfig);
        return b;
    }

    private static EmbeddedPostgres.Builder standbyBuilder(Path dir, int port, Map<String, String> settings) {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                // A restarted standby replays from its last restartpoint before it takes connections:
                // seconds after minutes of writes on the primary, more than the default 10 s wait here.
                .setPGStartupWait(Duration.ofMinutes(2))
                .setServerConfig("hot_standby", "on").setServerConfig("max_connections", "60")
                .setServerConfig("wal_receiver_status_interval", "1s");
        settings.forEach(b::setServerConfig);
        return port == 0 ? b : b.setPort(port);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!NOT_COPIED.contains(file.getFileName().toString())) {
                    try {
                        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    } catch (NoSuchFileException gone) {
                        // nothing runs on the stopped primary; kept for safety
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from)); // postgres wants 0700
    }

    public DataSource primaryDataSource() {
        return primary.getPostgresDatabase();
    }

    /** The data directories (their postmaster.pid names each server's process). */
    public Path primaryDir() {
        return primaryDir;
    }

    public Path standbyDir() {
        return standbyDir;
    }

    /** libpq-style URL of {@code database} on the primary. */
    public String primaryUrl(String database) {
        return "postgresql://postgres:postgres@127.0.0.1:" + primary.getPort() + "/" + database;
    }

    /** libpq-style URL of {@code database} on the standby. */
    public String standbyUrl(String database) {
        return "postgresql://postgres:postgres@127.0.0.1:" + standbyPort + "/" + database;
    }

    public Connection primaryConnection(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primary.getPort() + "/" + database,
                "postgres", "postgres");
    }

    public Connection standbyConnection(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + standbyPort + "/" + database,
                "postgres", "postgres");
    }

    /** Creates {@code database} on the primary and waits until the standby has replayed it. */
    public void createDatabase(String database) throws SQLException {
        try (Connection c = primaryConnection("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                queryStandby("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'").equals("1"));
    }

    public boolean inRecovery() throws SQLException {
        return queryStandby("SELECT pg_is_in_recovery()").equals("t");
    }

    public String queryStandby(String sql) throws SQLException {
        try (Connection c = standbyConnection("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            String v = rs.getString(1);
            return v == null ? "" : v;
        }
    }

    /** Stops replaying WAL (the standby keeps receiving it): its lag grows with every write on the primary. */
    public void pauseReplay() throws SQLException {
        queryStandby("SELECT pg_wal_replay_pause()");
    }

    public void resumeReplay() throws SQLException {
        queryStandby("SELECT pg_wal_replay_resume()");
    }

    public void stopStandby() throws IOException {
        standby.close();
    }

    public void startStandby() throws IOException {
        standby = standbyBuilder(standbyDir, standbyPort, settings).start();
    }

    /** Stops both servers and deletes both data directories (kept by setCleanDataDirectory(false)). */
    @Override
    public void close() throws IOException {
        try {
            standby.close();
        } finally {
            primary.close();
            delete(standbyDir);
            delete(primaryDir);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
