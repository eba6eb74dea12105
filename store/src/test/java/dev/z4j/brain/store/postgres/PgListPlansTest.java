package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.ListPlansContract;
import dev.z4j.brain.store.read.PlanCapture;
import dev.z4j.brain.store.read.SqlOperatorReads;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ListPlansContract} on PostgreSQL 17 with 300 000 tasks, 300 000 events in 8 partitions, statistics analysed. */
class PgListPlansTest extends ListPlansContract {
    private static final Pattern FULL_SCAN =
            Pattern.compile("Seq Scan on (tasks|events\\w*|commands|workers|queues|agents|agent_workers)\\b");
    private static final Pattern PARTITION = Pattern.compile(" on (events_\\w+)");
    private static PostgresDatabase db;

    @BeforeAll
    static void fill() throws Exception {
        databaseName = "postgresql";
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("plans"));
        t0 = Instant.parse("2026-03-01T00:00:00Z");
        db.ensurePartitions(t0, 6);
        project = db.directory().createProject("plans", "Plans").id();
        UUID agent = db.directory().createAgent(project, "agent", "plans-agent").id();
        agentOfProject = agent;
        try (Connection c = db.dataSource().getConnection()) {
            // the fill inserts 300,000 rows into every index of tasks at once: more than the pool's 10 s
            run(c, "SET statement_timeout = '120s'");
            run(c, "INSERT INTO projects (id, slug, name) SELECT gen_random_uuid(), 'other-' || g, 'Other'"
                    + " FROM generate_series(1, 499) g");
            run(c, """
                    INSERT INTO tasks (project_id, engine, task_id, name, queue, state, priority, received_at,
                                       started_at, finished_at, runtime_ms, worker_name, root_task_id,
                                       first_received_day, last_received_day)
                    SELECT ?, 'celery', 'task-' || g, 'app.tasks.t' || (g % 50), (ARRAY['default','mail','images'])[1 + g % 3],
                           (ARRAY['success','success','success','failure','started','received','retry'])[1 + g % 7],
                           (ARRAY['normal','high','low','critical'])[1 + g % 4],
                           ? + g * interval '1 second',
                           CASE WHEN g % 10 = 0 THEN NULL ELSE ? + g * interval '1 second' + interval '1 second' END,
                           CASE WHEN g % 7 < 4 THEN ? + g * interval '1 second' + interval '3 second' END,
                           CASE WHEN g % 7 < 3 THEN 2000 END,
                           'celery@host' || (g % 20),
                           CASE WHEN g % 100 < 5 THEN 'root-' || (g / 100) END,
                           (? + g * interval '1 second')::date, (? + g * interval '1 second')::date
                      FROM generate_series(1, 240000) g""", project, t0, t0, t0, t0, t0);
            run(c, """
                    INSERT INTO tasks (project_id, engine, task_id, name, state, started_at, finished_at)
                    SELECT p.id, 'celery', 'o-' || g, 'other', (ARRAY['success','failure'])[1 + g % 2],
                           ? + g * interval '1 second', ? + g * interval '1 second'
                      FROM projects p, generate_series(1, 120) g WHERE p.slug LIKE 'other-%'""", t0, t0);
            run(c, """
                    INSERT INTO events (project_id, id, agent_id, engine, task_id, kind, occurred_at, received_at,
                                        received_day, payload)
                    SELECT ?, gen_random_uuid(), ?, 'celery', 'task-' || (g % 240000), 'task.received',
                           ? + (g % 604800) * interval '1 second', ? + (g % 604800) * interval '1 second',
                           (? + (g % 604800) * interval '1 second')::date, '{}'
                      FROM generate_series(1, 300000) g""", project, agent, t0, t0, t0);
            // task-42's events: t0 + 42 s (day 0) and t0 + 240042 s (day 2)
            run(c, "UPDATE tasks SET first_received_day = ?, last_received_day = ? WHERE project_id = ?"
                    + " AND task_id = 'task-42'", day(0), day(2), project);
            run(c, """
                    INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds,
                                          status, issued_at, finished_at, timeout_at, idempotency_key)
                    SELECT gen_random_uuid(), ?, ?, 'retry_task', '{}', '{}', 60,
                           (ARRAY['completed','failed','timeout'])[1 + g % 3], ? + g * interval '1 second',
                           ? + g * interval '1 second' + interval '2 second', ? + g * interval '1 minute',
                           'key-' || g
                      FROM generate_series(1, 60000) g""", project, agent, t0, t0, t0);
            run(c, """
                    INSERT INTO workers (project_id, engine, name, state, last_heartbeat)
                    SELECT p.id, 'celery', 'celery@w' || g, (ARRAY['online','offline'])[1 + g % 2],
                           ? + g * interval '1 minute'
                      FROM projects p, generate_series(1, 100) g""", t0);
            run(c, """
                    INSERT INTO queues (project_id, engine, name, last_seen_at, pending_count)
                    SELECT p.id, 'celery', 'queue-' || g, ? + g * interval '1 minute', g
                      FROM projects p, generate_series(1, 40) g""", t0);
            run(c, """
                    INSERT INTO agents (id, project_id, name, token_hash, state)
                    SELECT gen_random_uuid(), p.id, 'agent-' || g, p.slug || '-' || g, (ARRAY['online','offline'])[1 + g % 2]
                      FROM projects p, generate_series(1, 40) g WHERE p.slug LIKE 'other-%'""");
            run(c, """
                    INSERT INTO agent_workers (agent_id, project_id, worker_id, state, last_seen_at)
                    SELECT a.id, a.project_id, 'w-' || g, a.state, ? FROM agents a, generate_series(1, 4) g""", t0);
            // what the ingest projection writes for every new task row
            run(c, "INSERT INTO task_search (project_id, engine, task_id) SELECT project_id, engine, task_id FROM tasks");
            run(c, "VACUUM ANALYZE"); // what autovacuum keeps doing in production
            run(c, "RESET statement_timeout");
            deepTask = taskKey(c, "", 150_000);
            deepFailedTask = taskKey(c, " AND state = 'failure'", 20_000);
            try (PreparedStatement ps = c.prepareStatement("SELECT issued_at, id FROM commands WHERE project_id = ?"
                    + " ORDER BY issued_at DESC, id DESC OFFSET 40000 LIMIT 1")) {
                ps.setObject(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    deepCommand = new Keys.Command(instant(rs, 1), rs.getObject(2, UUID.class));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT finished_at, id FROM tasks WHERE project_id = ?"
                    + " AND state = 'failure' ORDER BY finished_at DESC, id DESC OFFSET 20000 LIMIT 1")) {
                ps.setObject(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    deepFailure = new Keys.Failure(instant(rs, 1), rs.getObject(2, UUID.class));
                }
            }
            commandOfProject = deepCommand.id();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM workers WHERE project_id = ? LIMIT 1")) {
                ps.setObject(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    workerOfProject = rs.getObject(1, UUID.class);
                }
            }
        }
        capture = new PlanCapture(() -> db.dataSource().getConnection(), "EXPLAIN ", 1);
        reads = new SqlOperatorReads(capture, PgReadDialect.INSTANCE);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static LocalDate day(int n) {
        return LocalDate.ofInstant(t0, ZoneOffset.UTC).plusDays(n);
    }

    private static Keys.Task taskKey(Connection c, String where, int offset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT started_at, id FROM tasks WHERE project_id = ?" + where
                + " ORDER BY coalesce(started_at, '-infinity'::timestamptz) DESC, id DESC OFFSET ? LIMIT 1")) {
            ps.setObject(1, project);
            ps.setInt(2, offset);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Keys.Task(instant(rs, 1), rs.getObject(2, UUID.class));
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void run(Connection c, String sql, Object... params) throws SQLException {
        if (params.length == 0) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                ps.setObject(i + 1, p instanceof Instant t ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC) : p);
            }
            ps.execute();
        }
    }

    /**
     * The window counts of home and stats and the trends read a day of index entries; they must not
     * fetch each entry's table row (V013 put started_at, state and runtime_ms in the entries: without
     * them home tasks_24h took 330 ms and the stats window 255 ms on 5 million tasks).
     */
    @Test
    void windowCountsAndTrendsReadOnlyIndexEntries() throws StoreException {
        Instant windowStart = t0.plusSeconds(240_000 - 7_200);
        Instant now = t0.plusSeconds(3 * 86_400);
        reads.activity(List.of(project), windowStart, now);
        reads.stats(project, windowStart);
        reads.trends(project, windowStart, now, 3600);
        List<PlanCapture.Plan> plans = capture.take().stream()
                .filter(p -> p.sql().contains("FROM tasks") && (p.sql().contains("started_at, '-infinity'::timestamptz) >=")
                        || p.sql().contains("finished_at >=")))
                // failures_24h may walk the partial failure index instead: few rows either way
                .filter(p -> !p.sql().contains("state = 'failure'"))
                .toList();
        assertThat(plans).as("home tasks_24h, stats tasks_*_24h, trends").hasSize(3);
        for (PlanCapture.Plan p : plans) {
            assertThat(p.lines()).as("%s\n%s", p.sql(), p.text()).anyMatch(l -> l.contains("Index Only Scan"))
                    .noneMatch(l -> l.contains("Heap Scan") || l.contains("Seq Scan")
                            || l.contains("Index Scan") && !l.contains("Index Only Scan") && !l.contains("Bitmap Index Scan"));
        }
    }

    /**
     * A search needle with a trigram is read from what it matches: the distinct names, queues and
     * workers (the rows V020 keeps of them), the task ids through the trigram index of task_search,
     * then each match's rows; the list is never walked, so the page costs the same whatever else
     * the project holds. (A needle without a trigram walks the list: the contract's "tasks, search".)
     */
    @Test
    void aSearchPageIsReadFromItsMatchesNotByWalkingTheList() throws StoreException {
        TaskFilter all = TaskFilter.all(project);
        capture.take();
        // task-4201 and task-42010 .. task-42019 (no name, queue or worker holds it)
        List<TaskView> byId = reads.tasks(all.withSearch("TASK-4201"), null, 50);
        assertThat(byId).extracting(TaskView::taskId).hasSize(11)
                .allSatisfy(id -> assertThat(id).startsWith("task-4201"));
        assertReadFromMatches(capture.take(), "tasks, search matching task ids");
        // the queue "mail" (a third of the project): its own index, in list order
        List<TaskView> byQueue = reads.tasks(all.withSearch("MAIL"), deepTask, 50);
        assertThat(byQueue).hasSize(50).allSatisfy(t -> assertThat(t.queue()).isEqualTo("mail"));
        List<PlanCapture.Plan> plans = capture.take();
        assertReadFromMatches(plans, "tasks, search matching a queue, deep");
        assertThat(plans).anySatisfy(p -> assertUses(p, "tasks", SqlOperatorReads.TASKS_QUEUE_LISTED));
        // the names, queues and workers matched against: the kept values, no skip scan of tasks
        assertThat(plans).filteredOn(p -> p.sql().contains("task_values")).hasSize(3)
                .allSatisfy(p -> assertUses(p, "task_values", "task_values_pkey"));
        assertThat(plans).noneMatch(p -> p.sql().contains("WITH RECURSIVE"));
    }

    private void assertReadFromMatches(List<PlanCapture.Plan> plans, String what) {
        assertThat(plans).as(what).anySatisfy(p -> assertThat(p.lines())
                .anyMatch(l -> l.contains("Bitmap Index Scan on " + SqlOperatorReads.TASK_SEARCH_TRGM)));
        for (PlanCapture.Plan p : plans) {
            assertNoFullScan(p);
            assertThat(p.lines()).as("%s: %s\n%s", what, p.sql(), p.text())
                    // the list index only to fetch the page's rows by their keys (the join's "tasks t")
                    .noneMatch(l -> l.contains(" " + SqlOperatorReads.TASKS_LISTED + " ") && !l.contains(" on tasks t "))
                    .noneMatch(l -> l.contains("Seq Scan on task_search"));
        }
    }

    @Override
    protected void assertUses(PlanCapture.Plan plan, String table, String index) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text())
                .anyMatch(l -> l.contains(index) && l.contains(table)
                        && (l.contains("Index Scan") || l.contains("Index Only Scan") || l.contains("Bitmap Index Scan")));
    }

    @Override
    protected void assertNoFullScan(PlanCapture.Plan plan) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text()).noneMatch(l -> FULL_SCAN.matcher(l).find());
    }

    @Override
    protected void assertNoSort(PlanCapture.Plan plan) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text()).noneMatch(l -> l.contains("Sort"));
    }

    @Override
    protected void assertSortsOnlyTies(PlanCapture.Plan plan) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text())
                .noneMatch(l -> l.contains("Sort") && !l.contains("Incremental Sort") && !l.contains("Sort Key")
                        && !l.contains("Presorted Key"));
    }

    @Override
    protected List<String> eventPartitionsRead(PlanCapture.Plan plan) {
        List<String> out = new ArrayList<>();
        for (String l : plan.lines()) {
            Matcher m = PARTITION.matcher(l);
            if (m.find() && !out.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Override
    protected List<String> task42Partitions() {
        return List.of(EventPartitions.partitionName(day(0)), EventPartitions.partitionName(day(1)),
                EventPartitions.partitionName(day(2)));
    }

    @Override
    protected String eventIndex() {
        return "project_id_task_id_occurred_at_idx";
    }

    @Override
    protected String[] namesRead() {
        return new String[] {"task_values", "task_values_pkey"};
    }
}
