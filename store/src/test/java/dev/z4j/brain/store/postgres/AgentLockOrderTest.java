package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every writer of agent rows (each ingest writer, the liveness touch) locks a batch's agents in id
 * order before it updates them, so two of them sharing agents queue instead of deadlocking. The
 * two agents' ids sort one way in PostgreSQL and the other way in Java's {@code UUID.compareTo}
 * (signed), the order the batches list them in, and the table stores LAST first: a writer that
 * locked as its UPDATE visits the rows would take {@link #LAST} before it waits for {@link #FIRST}.
 */
class AgentLockOrderTest {
    private static final UUID FIRST = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID LAST = UUID.fromString("ffffffff-0000-4000-8000-000000000002");
    private static PostgresDatabase db;
    private static UUID project;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("lockorder"));
        project = db.directory().createProject("locks", "Locks").id();
        for (UUID id : List.of(LAST, FIRST)) { // stored in this order: a scan of agents meets LAST first
            UUID made = db.directory().createAgent(project, "agent-" + id, "hash-" + id).id();
            run("UPDATE agents SET id = '" + id + "' WHERE id = '" + made + "'");
        }
        assertThat(LAST.compareTo(FIRST)).as("Java sorts LAST first").isNegative();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void anIngestWriterWaitingForTheFirstAgentHoldsNoneAfterIt() throws Exception {
        Instant now = Instant.now();
        List<EventRow> batch = List.of(Rows.event(project, LAST, "t-last", "task.received", now, now),
                Rows.event(project, FIRST, "t-first", "task.received", now, now));
        assertLockedInIdOrder(() -> db.eventStore().write(batch));
    }

    @Test
    void theLivenessTouchWaitingForTheFirstAgentHoldsNoneAfterIt() throws Exception {
        Instant now = Instant.now();
        List<Directory.Liveness> seen = List.of(new Directory.Liveness(LAST, "w1", now),
                new Directory.Liveness(FIRST, "w1", now));
        assertLockedInIdOrder(() -> db.directory().touch(seen));
    }

    /** Holds FIRST; {@code write} must then wait for it without having locked LAST. */
    private static void assertLockedInIdOrder(Write write) throws Exception {
        try (Connection holder = db.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            lock(holder, FIRST, false);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    write.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(AgentLockOrderTest::someoneWaitsForARowLock);
            try (Connection probe = db.dataSource().getConnection()) {
                probe.setAutoCommit(false);
                assertThat(lock(probe, LAST, true)).as("LAST is free while the writer waits for FIRST").isTrue();
                probe.rollback();
            }
            holder.commit();
            writing.get();
        }
    }

    /** Locks the agent's row; with {@code noWait}, false when another transaction holds it. */
    private static boolean lock(Connection c, UUID agent, boolean noWait) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1 FROM agents WHERE id = '" + agent + "' FOR NO KEY UPDATE" + (noWait ? " NOWAIT" : ""));
            return true;
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) { // lock_not_available
                return false;
            }
            throw e;
        }
    }

    private static boolean someoneWaitsForARowLock() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND wait_event_type = 'Lock'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static void run(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @FunctionalInterface
    private interface Write {
        void run() throws Exception;
    }
}
