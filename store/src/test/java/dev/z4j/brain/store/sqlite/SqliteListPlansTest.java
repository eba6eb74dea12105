package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.ListPlansContract;
import dev.z4j.brain.store.read.PlanCapture;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ListPlansContract} on SQLite with 300 000 tasks and 300 000 events, without ANALYZE (the
 * brain never runs it, so these are the plans production gets).
 */
class SqliteListPlansTest extends ListPlansContract {
    private static final Pattern FULL_SCAN =
            Pattern.compile("^SCAN (tasks|events|commands|workers|queues|agents|agent_workers)$");
    /** A random version-4 UUID in canonical text, as the store writes ids. */
    private static final String UUID_SQL = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"
            + " substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
    private static Path home;
    private static Database db;

    @BeforeAll
    static void fill() throws Exception {
        databaseName = "sqlite";
        home = Files.createTempDirectory("z4j-plans");
        db = SqliteDatabase.open(new DatabaseConfig(null, home, 30_000, 2));
        db.migrate();
        t0 = Instant.parse("2026-03-01T00:00:00Z");
        long t0Micros = Micros.of(t0);
        project = db.directory().createProject("plans", "Plans").id();
        UUID agent = db.directory().createAgent(project, "agent", "plans-agent").id();
        agentOfProject = agent;
        String p = "'" + project + "'";
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            run(c, "INSERT INTO projects (id, slug, name, created_at) WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL"
                    + " SELECT g + 1 FROM n WHERE g < 499) SELECT " + UUID_SQL + ", 'other-' || g, 'Other', 0 FROM n");
            run(c, """
                    INSERT INTO tasks (id, project_id, engine, task_id, name, queue, state, priority, received_at,
                                       started_at, finished_at, runtime_ms, worker_name, root_task_id,
                                       first_received_day, last_received_day, created_at, updated_at)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 240000)
                    SELECT $UUID,
                           %s, 'celery', 'task-' || g, 'app.tasks.t' || (g %% 50),
                           CASE g %% 3 WHEN 0 THEN 'default' WHEN 1 THEN 'mail' ELSE 'images' END,
                           CASE g %% 7 WHEN 3 THEN 'failure' WHEN 4 THEN 'started' WHEN 5 THEN 'received'
                                       WHEN 6 THEN 'retry' ELSE 'success' END,
                           CASE g %% 4 WHEN 0 THEN 'normal' WHEN 1 THEN 'high' WHEN 2 THEN 'low' ELSE 'critical' END,
                           %d + g * 1000000,
                           CASE WHEN g %% 10 = 0 THEN NULL ELSE %d + (g + 1) * 1000000 END,
                           CASE WHEN g %% 7 < 4 THEN %d + (g + 3) * 1000000 END,
                           CASE WHEN g %% 7 < 3 THEN 2000 END,
                           'celery@host' || (g %% 20),
                           CASE WHEN g %% 100 < 5 THEN 'root-' || (g / 100) END,
                           (%d + g * 1000000) / 86400000000, (%d + g * 1000000) / 86400000000, 0, 0
                      FROM n""".formatted(p, t0Micros, t0Micros, t0Micros, t0Micros, t0Micros));
            run(c, """
                    INSERT INTO tasks (id, project_id, engine, task_id, name, state, started_at, finished_at,
                                       created_at, updated_at)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 120)
                    SELECT $UUID, p.id, 'celery', 'o-' || g, 'other',
                           CASE g %% 2 WHEN 0 THEN 'success' ELSE 'failure' END, %d + g * 1000000, %d + g * 1000000, 0, 0
                      FROM projects p, n WHERE p.slug LIKE 'other-%%'""".formatted(t0Micros, t0Micros));
            run(c, """
                    INSERT INTO events (project_id, id, agent_id, engine, task_id, kind, occurred_at, received_at,
                                        received_day, payload)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 300000)
                    SELECT %s, $UUID, '%s', 'celery', 'task-' || (g %% 240000), 'task.received',
                           %d + (g %% 604800) * 1000000, %d + (g %% 604800) * 1000000,
                           (%d + (g %% 604800) * 1000000) / 86400000000, '{}'
                      FROM n""".formatted(p, agent, t0Micros, t0Micros, t0Micros));
            long day0 = t0Micros / 86_400_000_000L;
            run(c, "UPDATE tasks SET first_received_day = " + day0 + ", last_received_day = " + (day0 + 2)
                    + " WHERE project_id = " + p + " AND task_id = 'task-42'");
            run(c, """
                    INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds,
                                          status, issued_at, finished_at, timeout_at, idempotency_key)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 60000)
                    SELECT $UUID, %s, '%s', 'retry_task', '{}', '{}', 60,
                           CASE g %% 3 WHEN 0 THEN 'completed' WHEN 1 THEN 'failed' ELSE 'timeout' END,
                           %d + g * 1000000, %d + (g + 2) * 1000000, %d + g * 60000000, 'key-' || g
                      FROM n""".formatted(p, agent, t0Micros, t0Micros, t0Micros));
            run(c, """
                    INSERT INTO workers (id, project_id, engine, name, state, last_heartbeat, created_at, updated_at)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 100)
                    SELECT $UUID, p.id, 'celery', 'celery@w' || g,
                           CASE g %% 2 WHEN 0 THEN 'online' ELSE 'offline' END, %d + g * 60000000, 0, 0
                      FROM projects p, n""".formatted(t0Micros));
            run(c, """
                    INSERT INTO queues (id, project_id, engine, name, last_seen_at, pending_count, created_at, updated_at)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 40)
                    SELECT $UUID, p.id, 'celery', 'queue-' || g, %d + g * 60000000, g, 0, 0
                      FROM projects p, n""".formatted(t0Micros));
            run(c, """
                    INSERT INTO agents (id, project_id, name, token_hash, state, created_at, updated_at)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 40)
                    SELECT $UUID, p.id, 'agent-' || g, p.slug || '-' || g,
                           CASE g %% 2 WHEN 0 THEN 'online' ELSE 'offline' END, 0, 0
                      FROM projects p, n WHERE p.slug LIKE 'other-%%'""".formatted());
            c.commit();
            deepTask = taskKey(c, "", 150_000);
            deepFailedTask = taskKey(c, " AND state = 'failure'", 20_000);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT issued_at, id FROM commands WHERE project_id = "
                    + p + " ORDER BY issued_at DESC, id DESC LIMIT 1 OFFSET 40000")) {
                rs.next();
                deepCommand = new Keys.Command(Micros.toInstant(rs.getLong(1)), UUID.fromString(rs.getString(2)));
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT finished_at, id FROM tasks WHERE project_id = "
                    + p + " AND state = 'failure' ORDER BY finished_at DESC, id DESC LIMIT 1 OFFSET 20000")) {
                rs.next();
                deepFailure = new Keys.Failure(Micros.toInstant(rs.getLong(1)), UUID.fromString(rs.getString(2)));
            }
            commandOfProject = deepCommand.id();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT id FROM workers WHERE project_id = " + p
                    + " LIMIT 1")) {
                rs.next();
                workerOfProject = UUID.fromString(rs.getString(1));
            }
        }
        capture = new PlanCapture(SqliteListPlansTest::connect, "EXPLAIN QUERY PLAN ", 4);
        reads = new SqlOperatorReads(capture, SqliteReadDialect.INSTANCE);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + home.resolve(SqliteDatabase.FILE_NAME));
    }

    private static Keys.Task taskKey(Connection c, String where, int offset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT started_at, id FROM tasks WHERE project_id = ?" + where
                + " ORDER BY coalesce(started_at, -9223372036854775808) DESC, id DESC LIMIT 1 OFFSET ?")) {
            ps.setString(1, project.toString());
            ps.setInt(2, offset);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long started = rs.getLong(1);
                return new Keys.Task(rs.wasNull() ? null : Micros.toInstant(started), UUID.fromString(rs.getString(2)));
            }
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute(sql.replace("$UUID", UUID_SQL));
        }
    }

    @Override
    protected void assertUses(PlanCapture.Plan plan, String table, String index) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text())
                .anyMatch(l -> l.contains(table) && (l.contains("USING INDEX " + index)
                        || l.contains("USING COVERING INDEX " + index)));
    }

    @Override
    protected void assertNoFullScan(PlanCapture.Plan plan) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text()).noneMatch(l -> FULL_SCAN.matcher(l).find());
    }

    @Override
    protected void assertNoSort(PlanCapture.Plan plan) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text()).noneMatch(l -> l.contains("TEMP B-TREE FOR ORDER BY")
                || l.contains("TEMP B-TREE FOR RIGHT PART OF ORDER BY") || l.contains("TEMP B-TREE FOR LAST TERM OF ORDER BY"));
    }

    @Override
    protected void assertSortsOnlyTies(PlanCapture.Plan plan) {
        assertThat(plan.lines()).as("%s\n%s", plan.sql(), plan.text()).noneMatch(l -> l.contains("TEMP B-TREE FOR ORDER BY"));
    }

    @Override
    protected List<String> eventPartitionsRead(PlanCapture.Plan plan) {
        return List.of(); // SQLite has no partitions: the task's receive days bound the index walk instead
    }

    @Override
    protected List<String> task42Partitions() {
        return List.of();
    }

    @Override
    protected String eventIndex() {
        return "ix_events_project_task";
    }

    @Override
    protected String[] namesRead() {
        return new String[] {"tasks", SqlOperatorReads.TASKS_NAME_LISTED};
    }
}
