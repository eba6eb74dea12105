package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TaskProjectionTest {
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
    private static PostgresDatabase db;
    private static UUID project;
    private static UUID agent;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("tasks"));
        project = db.directory().createProject("tasks", "Tasks").id();
        agent = db.directory().createAgent(project, "a1", "hash-tasks").id();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static List<EventRow> lifecycle(String taskId) {
        TaskFacts received = new TaskFacts("received", "app.add", "high", "[1,2]", "{\"x\":1}", null, null,
                null, null, null, "parent-1", "root-1");
        TaskFacts started = Rows.facts("started");
        TaskFacts succeeded = new TaskFacts("success", null, null, null, null, "3", 42L, null, null, null, null, null);
        return List.of(
                Rows.task(project, agent, taskId, "received", T0, received, "default", null),
                Rows.task(project, agent, taskId, "started", T0.plusSeconds(1), started, null, "celery@w1"),
                Rows.task(project, agent, taskId, "success", T0.plusSeconds(2), succeeded, null, null));
    }

    @Test
    void lifecycleInOneBatchInAnyOrderEndsInSuccess() throws Exception {
        int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {2, 0, 1}};
        for (int[] order : orders) {
            String taskId = "one-batch-" + order[0] + order[1] + order[2];
            List<EventRow> events = lifecycle(taskId);
            List<EventRow> batch = new ArrayList<>();
            for (int i : order) {
                batch.add(events.get(i));
            }
            db.eventStore().write(batch);
            assertSucceeded(taskId);
        }
    }

    @Test
    void lifecycleAcrossBatchesInAnyArrivalOrderEndsInSuccess() throws Exception {
        for (int seed = 0; seed < 6; seed++) {
            String taskId = "across-" + seed;
            List<EventRow> events = new ArrayList<>(lifecycle(taskId));
            Collections.shuffle(events, new java.util.Random(seed));
            for (EventRow e : events) {
                db.eventStore().write(List.of(e));
            }
            assertSucceeded(taskId);
        }
    }

    @Test
    void lateStartedAfterSucceededDoesNotRegress() throws Exception {
        List<EventRow> events = lifecycle("late-started");
        db.eventStore().write(List.of(events.get(0), events.get(2)));
        EventRow lateStarted = Rows.task(project, agent, "late-started", "started", T0.plusSeconds(5),
                Rows.facts("started"), null, "celery@w9");
        db.eventStore().write(List.of(lateStarted));
        Map<String, Object> row = task("late-started");
        assertThat(row.get("state")).isEqualTo("success");
        // informational fields are still written although the transition was refused
        assertThat(row.get("worker_name")).isEqualTo("celery@w9");
    }

    @Test
    void olderSameTierEventIsRefusedButNewerApplies() throws Exception {
        db.eventStore().write(List.of(Rows.task(project, agent, "tier", "started", T0.plusSeconds(10), Rows.facts("started"), null, null)));
        db.eventStore().write(List.of(Rows.task(project, agent, "tier", "received", T0.plusSeconds(5), Rows.facts("received"), null, null)));
        assertThat(task("tier").get("state")).isEqualTo("started");
        db.eventStore().write(List.of(Rows.task(project, agent, "tier", "retry", T0.plusSeconds(11), Rows.facts("retry"), null, null)));
        assertThat(task("tier").get("state")).isEqualTo("retry");
        db.eventStore().write(List.of(Rows.task(project, agent, "tier", "failure", T0.plusSeconds(1), Rows.facts("failure"), null, null)));
        assertThat(task("tier").get("state")).isEqualTo("failure"); // terminal beats non-terminal whatever the time
    }

    @Test
    void failureFieldsAreCutTo8192AndPriorityIsNeverDowngradedByAnEventWithoutOne() throws Exception {
        String big = "x".repeat(10_000);
        TaskFacts failed = new TaskFacts("failure", "app.fail", "critical", null, null, null, null, big, big, 2, null, null);
        db.eventStore().write(List.of(Rows.task(project, agent, "fail", "failure", T0, failed, null, null)));
        db.eventStore().write(List.of(Rows.task(project, agent, "fail", "retry", T0.plusSeconds(1), Rows.facts("retry"), null, null)));
        Map<String, Object> row = task("fail");
        assertThat(row.get("state")).isEqualTo("failure");
        assertThat((String) row.get("exception")).hasSize(8192);
        assertThat((String) row.get("traceback")).hasSize(8192);
        assertThat(row.get("priority")).isEqualTo("critical");
        assertThat(row.get("retry_count")).isEqualTo(2);
    }

    @Test
    void duplicateEventsDoNotProjectTwice() throws Exception {
        TaskFacts retried = new TaskFacts("retry", null, null, null, null, null, null, null, null, 1, null, null);
        EventRow retry = Rows.task(project, agent, "dupe-proj", "retry", T0, retried, null, null);
        db.eventStore().write(List.of(retry));
        TaskFacts later = new TaskFacts("retry", null, null, null, null, null, null, null, null, 5, null, null);
        db.eventStore().write(List.of(Rows.task(project, agent, "dupe-proj", "retry", T0.plusSeconds(1), later, null, null)));
        db.eventStore().write(List.of(retry)); // a resend must not re-apply retry_count = 1
        assertThat(task("dupe-proj").get("retry_count")).isEqualTo(5);
        assertThat(searchEntries("dupe-proj")).isEqualTo(1);
    }

    /**
     * New tasks' ids wait in the trigram index's pending list until the maintenance job merges
     * them; a search finds them before and after.
     */
    @Test
    void newTaskIdsWaitInTheSearchIndexPendingListUntilMerged() throws Exception {
        db.mergeSearchIndexPending();
        List<EventRow> batch = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            batch.add(Rows.task(project, agent, "pending-" + i, "received", T0, Rows.facts("received"), null, null));
        }
        db.eventStore().write(batch);
        TaskFilter search = TaskFilter.all(project).withSearch("PENDING-1999");
        assertThat(db.reads().tasks(search, null, 10)).extracting(TaskView::taskId).containsExactly("pending-1999");
        assertThat(db.mergeSearchIndexPending()).as("pending pages merged").isPositive();
        assertThat(db.mergeSearchIndexPending()).as("nothing left").isZero();
        assertThat(db.reads().tasks(search, null, 10)).extracting(TaskView::taskId).containsExactly("pending-1999");
    }

    private static void assertSucceeded(String taskId) throws Exception {
        Map<String, Object> row = task(taskId);
        assertThat(row.get("state")).as(taskId).isEqualTo("success");
        assertThat(row.get("name")).isEqualTo("app.add");
        assertThat(row.get("queue")).isEqualTo("default");
        assertThat(row.get("priority")).isEqualTo("high");
        assertThat(row.get("args")).isEqualTo("[1, 2]");
        assertThat(row.get("result")).isEqualTo("3");
        assertThat(row.get("runtime_ms")).isEqualTo(42L);
        assertThat(row.get("worker_name")).isEqualTo("celery@w1");
        assertThat(row.get("parent_task_id")).isEqualTo("parent-1");
        assertThat(row.get("received_at")).isEqualTo(T0);
        assertThat(row.get("started_at")).isEqualTo(T0.plusSeconds(1));
        assertThat(row.get("finished_at")).isEqualTo(T0.plusSeconds(2));
        assertThat(searchEntries(taskId)).as("task_search rows of %s: written once, when the row was new", taskId)
                .isEqualTo(1);
    }

    /** How many task_search rows (task search, V017) hold {@code taskId}. */
    static int searchEntries(String taskId) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM task_search WHERE project_id = ? AND engine = 'celery' AND task_id = ?")) {
            ps.setObject(1, project);
            ps.setString(2, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static Map<String, Object> task(String taskId) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT state, name, queue, priority, args::text, result::text, runtime_ms, worker_name, parent_task_id,
                       received_at, started_at, finished_at, exception, traceback, retry_count
                  FROM tasks WHERE project_id = ? AND engine = 'celery' AND task_id = ?""")) {
            ps.setObject(1, project);
            ps.setString(2, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("task " + taskId + " exists").isTrue();
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String col = rs.getMetaData().getColumnLabel(i);
                    Object v = col.endsWith("_at") ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i);
                    row.put(col, v instanceof OffsetDateTime o ? o.toInstant() : v);
                }
                return row;
            }
        }
    }
}
