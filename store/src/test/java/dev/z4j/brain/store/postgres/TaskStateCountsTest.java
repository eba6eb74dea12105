package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.read.ConnectionRunner;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import dev.z4j.brain.store.read.TaskFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The tasks-by-state counts PostgreSQL keeps (V018's triggers) against a count of the tasks
 * themselves, after every kind of write: ingest batches in any order, resends, two replicas
 * writing the same tasks at once, the operator's deletes, a TRUNCATE, and a database that had
 * tasks before the migration. The same for the counts per hour (V019) the stats and home windows
 * are read from.
 */
class TaskStateCountsTest {
    private static final String[] STATES = {"received", "started", "success", "failure", "retry", "revoked"};
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(7));

    @Test
    void batchesInAnyOrderWithResendsKeepTheCountsOfTheTasks() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("counts");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            Rows.TwoProjects two = Rows.twoProjects(db, "counts");
            UUID project = two.project();
            Random random = new Random(7);
            List<EventRow> sent = new ArrayList<>();
            for (int round = 0; round < 30; round++) {
                List<EventRow> batch = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    boolean mine = random.nextInt(4) > 0;
                    batch.add(event(two.project(mine), two.agent(mine), "t" + random.nextInt(300), random));
                }
                if (!sent.isEmpty() && random.nextBoolean()) { // a resend of earlier events, mixed in
                    for (int i = 0; i < 10; i++) {
                        batch.add(sent.get(random.nextInt(sent.size())));
                    }
                }
                db.eventStore().write(batch);
                sent.addAll(batch);
                assertKeptCountsMatchTheTasks(url);
            }
            Map<String, Long> counted = countedTasks(url).get(project.toString());
            assertThat(counted.keySet()).as("the run moved tasks through several states").hasSizeGreaterThan(3);
            assertThat(nonZero(db.reads().stats(project, T0).tasksByState())).isEqualTo(counted);
            assertThat(db.directory().stats(project).tasksByState()).isEqualTo(counted);
        }
    }

    @Test
    void windowCountsFromKeptHoursEqualTheTasksCounted() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("counts_window");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            UUID project = db.directory().createProject("window", "Window").id();
            UUID agent = db.directory().createAgent(project, "a1", "hash-window").id();
            Random random = new Random(13);
            for (int round = 0; round < 10; round++) {
                List<EventRow> batch = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    batch.add(event(project, agent, "t" + random.nextInt(200), random));
                }
                db.eventStore().write(batch);
            }
            assertKeptCountsMatchTheTasks(url);
            List<Instant> windows = new ArrayList<>(List.of(T0.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(3)),
                    T0.minusSeconds(1), Instant.now()));
            for (int i = 0; i < 8; i++) {
                windows.add(T0.plusMillis(random.nextInt(6 * 3_600_000)));
            }
            for (Instant since : windows) {
                String p = project.toString();
                var stats = db.reads().stats(project, since);
                assertThat(stats.tasksSucceededInWindow()).as("succeeded since %s", since).isEqualTo(
                        count(url, "state = 'success' AND finished_at >= ?", since, p));
                assertThat(stats.tasksFailedInWindow()).as("failed since %s", since).isEqualTo(
                        count(url, "state = 'failure' AND finished_at >= ?", since, p));
                var activity = db.reads().activity(List.of(project), since, Instant.now()).get(project);
                assertThat(activity.tasksStarted()).as("started since %s", since).isEqualTo(
                        count(url, "started_at >= ?", since, p));
                assertThat(activity.tasksFailed()).isEqualTo(stats.tasksFailedInWindow());
            }
            assertThat(count(url, "started_at >= ?", T0.plus(Duration.ofHours(3)), project.toString()))
                    .as("the windows hold tasks").isPositive();
        }
    }

    private static long count(String url, String where, Instant since, String project) throws Exception {
        try (Connection c = SharedPostgres.connect(url);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND " + where)) {
            ps.setString(1, project);
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aLargeProjectsTasksByStateAreCurrentNotALastCount() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("counts_large");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            UUID project = db.directory().createProject("large", "Large").id();
            UUID agent = db.directory().createAgent(project, "a1", "hash-large").id();
            // Counts from 3 tasks up kept for an hour: what a large project gets where tasks are counted.
            OperatorReads keeping = new SqlOperatorReads(new ConnectionRunner(() -> db.dataSource().getConnection()),
                    PgReadDialect.INSTANCE, 3, Duration.ofHours(1));
            Random random = new Random(5);
            writeOneEventPerTask(db, project, agent, 5, random);
            assertThat(total(keeping.stats(project, T0).tasksByState())).isEqualTo(5);
            db.eventStore().write(List.of(event(project, agent, "t5", random), event(project, agent, "t6", random)));
            assertThat(nonZero(keeping.stats(project, T0).tasksByState()))
                    .isEqualTo(countedTasks(url).get(project.toString()));
        }
    }

    @Test
    void twoReplicasWritingTheSameTasksAtOnceKeepTheCounts() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("counts_two");
        try (PostgresDatabase a = SharedPostgres.openMigrated(url); PostgresDatabase b = SharedPostgres.open(url)) {
            UUID project = a.directory().createProject("two", "Two").id();
            UUID agent = a.directory().createAgent(project, "a1", "hash-two").id();
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 20; round++) {
                    Random random = new Random(round);
                    List<EventRow> shared = new ArrayList<>(); // the same events sent to both (a resend after a reconnect)
                    List<EventRow> onA = new ArrayList<>();
                    List<EventRow> onB = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        String task = "t" + random.nextInt(80);
                        shared.add(event(project, agent, task, random));
                        onA.add(event(project, agent, task, random));
                        onB.add(event(project, agent, "t" + random.nextInt(80), random));
                    }
                    onA.addAll(shared);
                    onB.addAll(shared);
                    Rows.writeAtOnce(writers, a, onA, b, onB);
                    assertKeptCountsMatchTheTasks(url);
                }
            } finally {
                writers.shutdownNow();
            }
        }
    }

    @Test
    void deletesAndTruncateKeepTheCounts() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("counts_delete");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            UUID project = db.directory().createProject("del", "Del").id();
            UUID agent = db.directory().createAgent(project, "a1", "hash-del").id();
            Random random = new Random(3);
            writeOneEventPerTask(db, project, agent, 200, random);
            long before = total(countedTasks(url).get(project.toString()));

            List<UUID> some = new ArrayList<>();
            try (Connection c = SharedPostgres.connect(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM tasks ORDER BY task_id LIMIT 30")) {
                while (rs.next()) {
                    some.add(rs.getObject(1, UUID.class));
                }
            }
            assertThat(db.reads().deleteTasks(project, some)).isEqualTo(30);
            assertKeptCountsMatchTheTasks(url);
            assertThat(db.reads().deleteTasks(TaskFilter.all(project).withState("success"), 1000)).isPositive();
            assertKeptCountsMatchTheTasks(url);
            assertThat(total(kept(url).get(project.toString()))).isLessThan(before - 30);

            try (Connection c = SharedPostgres.connect(url); Statement s = c.createStatement()) {
                s.execute("TRUNCATE tasks");
            }
            assertThat(kept(url)).isEmpty();
            db.eventStore().write(List.of(event(project, agent, "after-truncate", random)));
            assertKeptCountsMatchTheTasks(url);
        }
    }

    @Test
    void theMigrationCountsTheTasksAlreadyStored() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("counts_backfill");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            UUID project = db.directory().createProject("old", "Old").id();
            UUID agent = db.directory().createAgent(project, "a1", "hash-old").id();
            Random random = new Random(11);
            writeOneEventPerTask(db, project, agent, 150, random);
            try (Connection c = SharedPostgres.connect(url); Statement s = c.createStatement()) {
                // Back to the schema before V018 and V019, with its tasks.
                s.execute("DROP TABLE task_state_counts, task_hour_counts");
                s.execute("DROP FUNCTION z4j_count_task_states() CASCADE");
                s.execute("DROP FUNCTION z4j_count_task_hours() CASCADE");
                s.execute("DELETE FROM schema_migrations WHERE version IN (18, 19)");
            }
            db.migrate();
            assertThat(total(kept(url).get(project.toString()))).isEqualTo(150);
            assertKeptCountsMatchTheTasks(url);
        }
    }

    /**
     * A task event of a random state (or a sent task), at a random time of the 6 hours from
     * {@link #T0}: batches arrive in any order, and tasks start and finish in different hours.
     */
    private static EventRow event(UUID project, UUID agent, String task, Random random) {
        String state = random.nextInt(8) == 0 ? null : STATES[random.nextInt(STATES.length)];
        Instant at = T0.plusMillis(random.nextInt(6 * 3_600_000));
        return Rows.task(project, agent, task, state, at, Rows.facts(state), "q", "w");
    }

    /** One batch: an event of each of tasks t0 .. t(tasks - 1). */
    private static void writeOneEventPerTask(PostgresDatabase db, UUID project, UUID agent, int tasks, Random random)
            throws Exception {
        List<EventRow> batch = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            batch.add(event(project, agent, "t" + i, random));
        }
        db.eventStore().write(batch);
    }

    private static void assertKeptCountsMatchTheTasks(String url) throws Exception {
        assertThat(kept(url)).isEqualTo(countedTasks(url));
        assertThat(byProject(url, "SELECT project_id, measure || ' ' || hour, tasks FROM task_hour_counts WHERE tasks <> 0"))
                .as("V019's hour counts").isEqualTo(byProject(url, """
                        SELECT project_id, measure || ' ' || hour, count(*) FROM (
                            SELECT project_id, 'started' AS measure, date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour
                              FROM tasks WHERE started_at IS NOT NULL
                            UNION ALL
                            SELECT project_id, state, date_trunc('hour', finished_at AT TIME ZONE 'UTC')
                              FROM tasks WHERE finished_at IS NOT NULL AND state IN ('success', 'failure')) t
                         GROUP BY 1, 2"""));
    }

    /** Project -> state -> tasks, as the triggers keep them (zero rows left out). */
    private static Map<String, Map<String, Long>> kept(String url) throws Exception {
        return byProject(url, "SELECT project_id, state, tasks FROM task_state_counts WHERE tasks <> 0");
    }

    private static Map<String, Map<String, Long>> countedTasks(String url) throws Exception {
        return byProject(url, "SELECT project_id, state, count(*) FROM tasks GROUP BY project_id, state");
    }

    private static Map<String, Map<String, Long>> byProject(String url, String sql) throws Exception {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        try (Connection c = SharedPostgres.connect(url); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return out;
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((state, n) -> {
            if (n != 0) {
                out.put(state, n);
            }
        });
        return out;
    }

    private static long total(Map<String, Long> counts) {
        return counts == null ? 0 : counts.values().stream().mapToLong(Long::longValue).sum();
    }

}
