package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The distinct task names, queues and workers PostgreSQL keeps per project (V020's triggers),
 * which the name page and the search list instead of skip-scanning the tasks' indexes: after every
 * kind of write they hold at least every value a task has (a name first seen on a task's later
 * event included), and the pages read from them find every matching task.
 */
class TaskValuesTest {
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(3));
    private static final String[] STATES = {"received", "started", "success", "failure"};

    @Test
    void batchesWithNamesQueuesAndWorkersSeenLaterKeepEveryValueOfTheTasks() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("values");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            Rows.TwoProjects two = Rows.twoProjects(db, "values");
            Random random = new Random(5);
            List<EventRow> sent = new ArrayList<>();
            for (int round = 0; round < 25; round++) {
                List<EventRow> batch = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    boolean mine = random.nextInt(4) > 0;
                    // tasks t150 .. t199, whose names no earlier task had, from round 15 on
                    int task = random.nextInt(round < 15 ? 150 : 200);
                    batch.add(event(two.project(mine), two.agent(mine), task, random));
                }
                if (!sent.isEmpty() && random.nextBoolean()) {
                    for (int i = 0; i < 10; i++) {
                        batch.add(sent.get(random.nextInt(sent.size())));
                    }
                }
                db.eventStore().write(batch);
                sent.addAll(batch);
                assertKeptValuesCoverTheTasks(url);
            }
            // values arrived on updates of tasks already stored (a name first seen on a later event)
            assertThat(kept(url, "name")).as("names first seen in late rounds").anyMatch(v -> v.endsWith("_late"));
            assertThat(kept(url, "name")).isEqualTo(distinct(url, "name"));
        }
    }

    @Test
    void twoReplicasAddingTheSameNewValuesAtOnceKeepEachOnce() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("values_two");
        try (PostgresDatabase a = SharedPostgres.openMigrated(url); PostgresDatabase b = SharedPostgres.open(url)) {
            UUID project = a.directory().createProject("values-two", "Two").id();
            UUID agent = a.directory().createAgent(project, "a1", "hash-vt").id();
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 15; round++) {
                    Random random = new Random(round);
                    List<EventRow> onA = new ArrayList<>();
                    List<EventRow> onB = new ArrayList<>();
                    for (int i = 0; i < 50; i++) { // the same new names, queues and workers on both, other tasks
                        int task = round * 10 + random.nextInt(10);
                        onA.add(event(project, agent, "a", task, random));
                        onB.add(event(project, agent, "b", task, random));
                    }
                    Rows.writeAtOnce(writers, a, onA, b, onB);
                    assertKeptValuesCoverTheTasks(url);
                }
            } finally {
                writers.shutdownNow();
            }
        }
    }

    @Test
    void theNamePageAndTheSearchFindTasksOfANameFirstSeenOnALaterEvent() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("values_pages");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            UUID project = db.directory().createProject("values-pages", "Pages").id();
            UUID agent = db.directory().createAgent(project, "a1", "hash-vp").id();
            List<EventRow> first = new ArrayList<>();
            for (int i = 0; i < 30; i++) { // sent events: no name, queue or worker yet
                first.add(Rows.task(project, agent, "p" + i, null, T0.plusSeconds(i), facts(null, null), null, null));
            }
            db.eventStore().write(first);
            assertThat(db.reads().tasks(TaskFilter.all(project).withName("reports"), null, 50)).isEmpty();
            List<EventRow> started = new ArrayList<>();
            for (int i = 0; i < 30; i += 3) { // ten of them start: now they have a name, a queue and a worker
                started.add(Rows.task(project, agent, "p" + i, "started", T0.plusSeconds(60 + i),
                        facts("started", "app.reports.build"), "reports-q", "celery@reports-1"));
            }
            db.eventStore().write(started);
            TaskFilter all = TaskFilter.all(project);
            assertThat(taskIds(db.reads().tasks(all.withName("reports"), null, 50))).hasSize(10).contains("p0", "p27");
            for (String needle : List.of("REPORTS", "reports-q", "reports-1")) { // a name, a queue, a worker
                assertThat(taskIds(db.reads().tasks(all.withSearch(needle), null, 50))).as(needle).hasSize(10);
            }

            // a TRUNCATE forgets the values with the tasks; the next write keeps its own again
            try (Connection c = SharedPostgres.connect(url); Statement s = c.createStatement()) {
                s.execute("TRUNCATE tasks");
            }
            assertThat(kept(url, "name")).isEmpty();
            db.eventStore().write(List.of(Rows.task(project, agent, "q1", "started", T0,
                    facts("started", "app.after.truncate"), "q", "w")));
            assertThat(taskIds(db.reads().tasks(all.withName("after"), null, 50))).containsExactly("q1");
            assertKeptValuesCoverTheTasks(url);
        }
    }

    @Test
    void theMigrationKeepsTheValuesOfTheTasksAlreadyStored() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("values_backfill");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            Rows.TwoProjects two = Rows.twoProjects(db, "values-old");
            Random random = new Random(9);
            List<EventRow> batch = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                boolean mine = i % 3 > 0;
                batch.add(event(two.project(mine), two.agent(mine), i, random));
            }
            db.eventStore().write(batch);
            try (Connection c = SharedPostgres.connect(url); Statement s = c.createStatement()) {
                // Back to the schema before V020, with its tasks.
                s.execute("DROP TABLE task_values");
                s.execute("DROP FUNCTION z4j_keep_task_values() CASCADE");
                s.execute("DELETE FROM schema_migrations WHERE version = 20");
            }
            db.migrate();
            assertThat(kept(url, "worker")).hasSizeGreaterThan(5);
            assertKeptValuesCoverTheTasks(url);
            assertThat(kept(url, "name")).isEqualTo(distinct(url, "name"));
            assertThat(kept(url, "queue")).isEqualTo(distinct(url, "queue"));
            assertThat(kept(url, "worker")).isEqualTo(distinct(url, "worker_name"));
        }
    }

    private static EventRow event(UUID project, UUID agent, int task, Random random) {
        return event(project, agent, "t", task, random);
    }

    /**
     * An event of task {@code prefix + task}: a sent event has no name, queue or worker (so a
     * task's name often arrives on a later event, an update); the others carry the task's name
     * (one of 12, "_late" ones from task 150 on), a queue and a worker from small pools, so
     * batches both repeat values and bring new ones.
     */
    private static EventRow event(UUID project, UUID agent, String prefix, int task, Random random) {
        String state = random.nextInt(4) == 0 ? null : STATES[random.nextInt(STATES.length)];
        Instant at = T0.plusMillis(random.nextInt(3_600_000));
        if (state == null) {
            return Rows.task(project, agent, prefix + task, null, at, facts(null, null), null, null);
        }
        String name = "app.tasks.job_" + task % 12 + (task >= 150 ? "_late" : "");
        return Rows.task(project, agent, prefix + task, state, at, facts(state, name), "q" + task % (4 + task / 50),
                "celery@w" + random.nextInt(9 + task / 20));
    }

    private static TaskFacts facts(String state, String name) {
        return new TaskFacts(state, name, null, null, null, null, null, null, null, null, null, null);
    }

    private static List<String> taskIds(List<TaskView> page) {
        return page.stream().map(TaskView::taskId).toList();
    }

    private static void assertKeptValuesCoverTheTasks(String url) throws Exception {
        assertThat(kept(url, "name")).containsAll(distinct(url, "name"));
        assertThat(kept(url, "queue")).containsAll(distinct(url, "queue"));
        assertThat(kept(url, "worker")).containsAll(distinct(url, "worker_name"));
    }

    /** "project value" of every kept value of {@code kind}. */
    private static Set<String> kept(String url, String kind) throws Exception {
        return strings(url, "SELECT project_id || ' ' || value FROM task_values WHERE kind = '" + kind + "'");
    }

    /** "project value" of every distinct non-null {@code column} of the tasks. */
    private static Set<String> distinct(String url, String column) throws Exception {
        return strings(url, "SELECT DISTINCT project_id || ' ' || " + column + " FROM tasks WHERE " + column
                + " IS NOT NULL");
    }

    private static Set<String> strings(String url, String sql) throws Exception {
        Set<String> out = new TreeSet<>();
        try (Connection c = SharedPostgres.connect(url); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

}
