package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgEventStoreTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
    private static String url;
    private static PostgresDatabase db;
    private static UUID project;
    private static UUID agent;

    @BeforeAll
    static void setUp() throws Exception {
        url = SharedPostgres.freshDatabaseUrl("events");
        db = SharedPostgres.openMigrated(url);
        db.ensurePartitions(NOW, 1);
        project = db.directory().createProject("events", "Events").id();
        agent = db.directory().createAgent(project, "a1", "hash-events").id();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    /**
     * The ingest writer has connections of its own: REST reads and jobs holding every connection of
     * the shared pool (a burst of slow counts did) must not make agents' events wait for one.
     */
    @Test
    void eventsAreWrittenWhileEveryConnectionOfTheSharedPoolIsHeld() throws Exception {
        try (PostgresDatabase small = PostgresDatabase.open(new DatabaseConfig(url, Path.of("/tmp"), 10_000, 2),
                Duration.ofSeconds(1))) {
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    held.add(small.dataSource().getConnection());
                }
                assertThat(small.dataSource().getHikariPoolMXBean().getIdleConnections()).isZero();
                EventRow e = new EventRow(UUID.randomUUID(), project, agent, "celery", "t-pool-held", "task.received",
                        NOW, NOW, "{}", null, null, null);
                // sharing the pool, this waited 1 s for a connection and failed as "database busy"
                assertThat(small.eventStore().write(List.of(e))).containsExactly(true);
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }
        assertThat(count("SELECT count(*) FROM events WHERE task_id = 't-pool-held'")).isEqualTo(1);
    }

    @Test
    void rowsLandWithTheirColumnsIncludingEscapedText() throws Exception {
        EventRow e = new EventRow(UUID.randomUUID(), project, agent, "rq", "t-esc", "task.received",
                NOW.minusSeconds(3), NOW, "{\"s\":\"tab\\there\\nnew \\\\ back ünï 😀\"}", null, null, null);
        assertThat(db.eventStore().write(List.of(e))).containsExactly(true);
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT project_id, agent_id, engine, task_id, kind, occurred_at, received_at, received_day::text,
                            payload->>'s' FROM events WHERE id = ?""")) {
            ps.setObject(1, e.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1, UUID.class)).isEqualTo(project);
                assertThat(rs.getObject(2, UUID.class)).isEqualTo(agent);
                assertThat(rs.getString(3)).isEqualTo("rq");
                assertThat(rs.getString(4)).isEqualTo("t-esc");
                assertThat(rs.getString(5)).isEqualTo("task.received");
                assertThat(rs.getObject(6, OffsetDateTime.class).toInstant()).isEqualTo(e.occurredAt());
                assertThat(rs.getObject(7, OffsetDateTime.class).toInstant()).isEqualTo(e.receivedAt());
                assertThat(rs.getString(8)).isEqualTo(PgEventStore.receivedDay(NOW).toString());
                assertThat(rs.getString(9)).isEqualTo("tab\there\nnew \\ back ünï 😀");
            }
        }
    }

    @Test
    void resendsAreDuplicatesAlsoAfterARestart() throws Exception {
        List<EventRow> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(Rows.event(project, agent, "resend-" + i, "task.received", NOW, NOW));
        }
        boolean[] first = db.eventStore().write(batch);
        assertThat(first).containsOnly(true).hasSize(50);
        assertThat(db.eventStore().write(batch)).containsOnly(false);
        try (PostgresDatabase restarted = SharedPostgres.open(url)) {
            assertThat(restarted.eventStore().write(batch)).containsOnly(false);
        }
        assertThat(count("SELECT count(*) FROM events WHERE task_id LIKE 'resend-%'")).isEqualTo(50);
    }

    @Test
    void equalIdsInOneCallOnlyTheFirstIsInserted() throws Exception {
        EventRow a = Rows.event(project, agent, "dup", "task.started", NOW, NOW);
        EventRow b = Rows.event(project, agent, "other", "task.started", NOW, NOW);
        boolean[] inserted = db.eventStore().write(List.of(a, b, a, b, a));
        assertThat(inserted).containsExactly(true, true, false, false, false);
        assertThat(count("SELECT count(*) FROM events WHERE id = '" + a.id() + "'")).isEqualTo(1);
    }

    @Test
    void resendStraddlingMidnightUtcIsADuplicate() throws Exception {
        Instant lateDayD = Instant.parse("2031-03-04T23:59:59Z");
        Instant earlyDayD1 = Instant.parse("2031-03-05T00:00:01Z");
        EventRow first = Rows.event(project, agent, "midnight", "task.received", lateDayD, lateDayD);
        EventStore store = db.eventStore();
        assertThat(store.write(List.of(first))).containsExactly(true);
        assertThat(store.write(List.of(Rows.withId(first, first.id(), earlyDayD1)))).containsExactly(false);
        assertThat(count("SELECT count(*) FROM events WHERE id = '" + first.id() + "'")).isEqualTo(1);
    }

    /**
     * A batch that spans days: each row is a duplicate only of a copy stored on its own receive day
     * or the day before, and only within its own project, whatever days the other rows have.
     */
    @Test
    void eachRowOfABatchSpanningDaysIsCheckedAgainstItsOwnTwoDays() throws Exception {
        Instant d1 = Instant.parse("2031-05-01T12:00:00Z");
        Instant d2 = d1.plus(Duration.ofDays(1));
        Instant d3 = d2.plus(Duration.ofDays(1));
        UUID otherProject = db.directory().createProject("events-other", "Other").id();
        UUID otherAgent = db.directory().createAgent(otherProject, "a2", "hash-events-other").id();
        EventRow storedOnD1 = Rows.event(project, agent, "span-1", "task.received", d1, d1);
        EventRow storedOnD2 = Rows.event(project, agent, "span-2", "task.received", d2, d2);
        EventStore store = db.eventStore();
        assertThat(store.write(List.of(storedOnD1, storedOnD2))).containsExactly(true, true);

        boolean[] inserted = store.write(List.of(
                Rows.event(project, agent, "span-new", "task.received", d2, d2), // the batch begins on d2
                Rows.withId(storedOnD1, storedOnD1.id(), d3), // two days after its copy: stored again
                Rows.withId(storedOnD2, storedOnD2.id(), d3), // the day after its copy: a duplicate
                new EventRow(storedOnD2.id(), otherProject, otherAgent, "celery", "span-2", "task.received", d3, d3,
                        "{}", null, null, null))); // the same id in another project: its own event
        assertThat(inserted).containsExactly(true, true, false, true);
        assertThat(count("SELECT count(*) FROM events WHERE id = '" + storedOnD1.id() + "'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM events WHERE id = '" + storedOnD2.id() + "'")).isEqualTo(2);
    }

    /**
     * Another writer (a second brain) stores one of the batch's ids after this writer's probe
     * looked: the batch still stores every other row once, reports that id as a duplicate, and
     * its task counts leave the other writer's row out.
     */
    @Test
    void anIdStoredByAnotherWriterDuringTheWriteIsADuplicate() throws Exception {
        EventRow theirs = Rows.task(project, agent, "race-theirs", "succeeded", NOW, Rows.facts("success"), "q-race",
                "w-race");
        EventRow ours = Rows.task(project, agent, "race-ours", "succeeded", NOW, Rows.facts("success"), "q-race",
                "w-race");
        try (Connection other = db.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement ps = other.prepareStatement("""
                    INSERT INTO events (project_id, id, agent_id, engine, task_id, kind, occurred_at, received_at,
                                        received_day, payload)
                    VALUES (?, ?, ?, 'celery', 'race-theirs', 'task.succeeded', now(), now(), ?::date, '{}')""")) {
                ps.setObject(1, project);
                ps.setObject(2, theirs.id());
                ps.setObject(3, agent);
                ps.setString(4, PgEventStore.receivedDay(theirs.receivedAt()).toString());
                ps.executeUpdate();
            }
            // uncommitted: the writer cannot see the row yet, so it finds out only when it inserts
            CompletableFuture<boolean[]> write = CompletableFuture.supplyAsync(() -> {
                try {
                    return db.eventStore().write(List.of(theirs, ours));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> count("""
                    SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'""") == 1);
            other.commit();
            assertThat(write.get(20, TimeUnit.SECONDS)).containsExactly(false, true);
        }
        assertThat(count("SELECT count(*) FROM events WHERE task_id IN ('race-theirs', 'race-ours')")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM tasks WHERE task_id IN ('race-theirs', 'race-ours')")).isEqualTo(1);
        assertThat(count("SELECT tasks_succeeded FROM workers WHERE name = 'w-race'")).isEqualTo(1);
    }

    @Test
    void rowsLandInTheirDayPartitionOrInDefault() throws Exception {
        EventRow today = Rows.event(project, agent, "part-today", "task.received", NOW, NOW);
        Instant farFuture = Instant.parse("2040-01-01T12:00:00Z");
        EventRow noPartition = Rows.event(project, agent, "part-none", "task.received", farFuture, farFuture);
        assertThat(db.eventStore().write(List.of(today, noPartition))).containsExactly(true, true);
        assertThat(partitionOf(today.id())).isEqualTo(EventPartitions.partitionName(PgEventStore.receivedDay(NOW)));
        assertThat(partitionOf(noPartition.id())).isEqualTo("events_default");
    }

    private static String partitionOf(UUID id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT tableoid::regclass::text FROM events WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    static long count(String sql) throws Exception {
        return count(db, sql);
    }

    static long count(PostgresDatabase database, String sql) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
