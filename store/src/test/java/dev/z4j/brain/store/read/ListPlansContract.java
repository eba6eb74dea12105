package dev.z4j.brain.store.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The plan each operator read gets on a database holding a few hundred thousand tasks: every list
 * walks its index in page order (no sort, no scan of a growing table), deep keyset pages start at
 * their key through the index, and the timeline reads only its task's partitions. The subclasses
 * fill the database and know how their EXPLAIN output reads; the plans are also written to
 * {@code target/plans-<database>.txt} (quoted in docs/OPERATOR-READS.md).
 */
public abstract class ListPlansContract {
    /** The reads of the capturing runner: every statement they run is EXPLAINed first. */
    protected static OperatorReads reads;
    protected static PlanCapture capture;
    /** The project holding the volume; its "task-42" has events on two days only. */
    protected static UUID project;
    protected static UUID commandOfProject;
    protected static UUID workerOfProject;
    protected static UUID agentOfProject;
    /** A task near the end of the list (about the 150 000th row) and a command deep in its list. */
    protected static Keys.Task deepTask;
    protected static Keys.Task deepFailedTask;
    protected static Keys.Command deepCommand;
    protected static Keys.Failure deepFailure;
    protected static Instant t0;
    private static final Map<String, List<PlanCapture.Plan>> REPORT = new LinkedHashMap<>();
    protected static String databaseName;

    /** The plan uses {@code index} to reach rows of {@code table}. */
    protected abstract void assertUses(PlanCapture.Plan plan, String table, String index);

    /** The plan reads no growing table whole (no sequential scan of it). */
    protected abstract void assertNoFullScan(PlanCapture.Plan plan);

    /** The plan sorts nothing: rows come out of the index in page order. */
    protected abstract void assertNoSort(PlanCapture.Plan plan);

    /**
     * The plan sorts at most rows that tie on the index order's leading key (PostgreSQL's
     * incremental sort, SQLite's sort of the right part of the ORDER BY).
     */
    protected abstract void assertSortsOnlyTies(PlanCapture.Plan plan);

    /** The partitions of events the plan reads (empty where there are none). */
    protected abstract List<String> eventPartitionsRead(PlanCapture.Plan plan);

    /** The partitions the timeline of task-42 may read. */
    protected abstract List<String> task42Partitions();

    /** The index (or the part of the name every partition's copy has) of a task's events. */
    protected abstract String eventIndex();

    /**
     * The table and index a project's distinct task names are read from: the values PostgreSQL
     * keeps (V020), or a skip scan of the tasks' name index.
     */
    protected abstract String[] namesRead();

    private static List<PlanCapture.Plan> record(String what) {
        List<PlanCapture.Plan> plans = capture.take();
        REPORT.put(what, plans);
        assertThat(plans).as("statements of " + what).isNotEmpty();
        return plans;
    }

    private void assertListWalk(String what, String index) {
        for (PlanCapture.Plan p : record(what)) {
            assertUses(p, "tasks", index);
            assertNoFullScan(p);
            assertNoSort(p);
        }
    }

    @Test
    void taskListPagesWalkTheListIndexAtEveryDepthAndFilter() throws StoreException {
        TaskFilter all = TaskFilter.all(project);
        reads.tasks(all, null, 50);
        assertListWalk("tasks, first page", SqlOperatorReads.TASKS_LISTED);
        reads.tasks(all, deepTask, 50);
        assertListWalk("tasks, deep keyset page", SqlOperatorReads.TASKS_LISTED);
        reads.tasks(all.withPriorities(List.of("critical", "high")), deepTask, 50);
        assertListWalk("tasks, priority filter, deep", SqlOperatorReads.TASKS_LISTED);
        reads.tasks(all.withSearch("T7"), null, 50);
        assertListWalk("tasks, search", SqlOperatorReads.TASKS_LISTED);
        reads.countTasks(all.withSearch("mail"), null, 50_001);
        assertListWalk("tasks, export cap count", SqlOperatorReads.TASKS_LISTED);
    }

    @Test
    void queueWorkerAndOnePriorityPagesWalkTheirOwnIndex() throws StoreException {
        TaskFilter all = TaskFilter.all(project);
        reads.tasks(all.withQueue("mail"), deepTask, 50);
        assertListWalk("tasks, queue, deep", SqlOperatorReads.TASKS_QUEUE_LISTED);
        reads.tasks(all.withWorker("celery@host3"), null, 50);
        assertListWalk("tasks, worker", SqlOperatorReads.TASKS_WORKER_LISTED);
        reads.tasks(all.withWorker("celery@host3").withSearch("t4"), deepTask, 50);
        assertListWalk("tasks, worker + search, deep", SqlOperatorReads.TASKS_WORKER_LISTED);
        reads.tasks(all.withPriorities(List.of("critical")), deepTask, 50);
        assertListWalk("tasks, one priority, deep", SqlOperatorReads.TASKS_PRIORITY_LISTED);
        reads.tasks(all.withName("tasks.t4").withQueue("mail"), null, 50);
        assertListWalk("tasks, name + queue", SqlOperatorReads.TASKS_QUEUE_LISTED);
    }

    @Test
    void aNamePageReadsTheNamesThenEachMatchingNamesOwnRows() throws StoreException {
        TaskFilter all = TaskFilter.all(project);
        // "tasks.t4" matches 11 of the fixture's 50 names: t4 and t40-t49
        assertThat(reads.tasks(all.withName("tasks.t4"), deepTask, 50)).hasSize(50)
                .allSatisfy(t -> assertThat(t.name()).contains("tasks.t4"));
        List<PlanCapture.Plan> plans = record("tasks, name, deep");
        assertThat(plans).as("the names, then the page").hasSize(2);
        assertUses(plans.get(0), namesRead()[0], namesRead()[1]);
        assertUses(plans.get(1), "tasks", SqlOperatorReads.TASKS_NAME_LISTED);
        plans.forEach(this::assertNoFullScan);
        // each name's walk is in list order; only the merge of 11 x 50 rows is sorted
        assertThat(plans.get(1).sql().split("UNION ALL", -1)).hasSize(11);
        reads.tasks(all.withNameFolded("TASKS.T1"), null, 50);
        plans = record("tasks, name A-Z folded");
        assertUses(plans.get(1), "tasks", SqlOperatorReads.TASKS_NAME_LISTED);
        // a needle in every name: the list walk fills the page from its head
        reads.tasks(all.withName("app.tasks"), null, 50);
        plans = record("tasks, name matching every name");
        assertUses(plans.get(1), "tasks", SqlOperatorReads.TASKS_LISTED);
        plans.forEach(this::assertNoFullScan);
        assertNoSort(plans.get(1));
    }

    @Test
    void aTimeWindowPageReadsTheListsHeadOnlyWhenRecentThenTheWindowsOwnRows() throws StoreException {
        TaskFilter all = TaskFilter.all(project);
        // every task was received after t0: the next rows of the list fill the page, one statement
        List<TaskView> recent = reads.tasks(all.withSince(t0), deepTask, 50);
        assertThat(recent).hasSize(50);
        List<PlanCapture.Plan> head = record("tasks, since (the window reaches the list's head), deep");
        assertThat(head).hasSize(1);
        assertUses(head.getFirst(), "tasks", SqlOperatorReads.TASKS_LISTED);
        assertNoFullScan(head.getFirst());
        // the first hour of the fixture lies 236 000 rows down the list, and ended months ago: no look
        // at the list's head; the hour's rows in list order through the received-hour index (and the
        // instant that ends the window, which belongs to the next hour, through received_at)
        List<TaskView> old = reads.tasks(all.withSince(t0).withUntil(t0.plusSeconds(3600)), null, 50);
        assertThat(old).hasSize(50).allSatisfy(t -> assertThat(t.receivedAt()).isBetween(t0, t0.plusSeconds(3600)));
        assertReadHourByHour("tasks, since/until (an old hour), first page", true);
        // two hours (a few % of the table, as a day is of a 30-day history) before the deep cursor
        reads.tasks(all.withSince(t0.plusSeconds(79_200)).withUntil(t0.plusSeconds(86_400)), deepTask, 50);
        assertReadHourByHour("tasks, since/until (two hours), deep", false);
        // a day that is not a UTC day (until inclusive): its 23 whole hours' rows in list order, top 50
        // each, through the received-hour index; the part-hours at its ends through received_at
        Instant from = t0.plusSeconds(86_400 + 1800);
        List<TaskView> day = reads.tasks(all.withSince(from).withUntil(from.plusSeconds(86_400)), null, 50);
        assertThat(day).hasSize(50).allSatisfy(t -> assertThat(t.receivedAt()).isBetween(from, from.plusSeconds(86_400)));
        assertReadHourByHour("tasks, since/until (a day from half past), first page", true);
        // 50 hours, more than an hour-by-hour read takes: the list's head first, which the window does
        // not reach, then the window's own entries through received_at, sorted
        List<TaskView> days = reads.tasks(all.withSince(t0).withUntil(t0.plusSeconds(50 * 3600)), null, 50);
        assertThat(days).hasSize(50);
        List<PlanCapture.Plan> longWindow = record("tasks, since/until (50 hours), first page");
        assertThat(longWindow).hasSize(2);
        assertUses(longWindow.getFirst(), "tasks", SqlOperatorReads.TASKS_LISTED);
        assertUses(longWindow.get(1), "tasks", SqlOperatorReads.TASKS_RECEIVED);
        longWindow.forEach(this::assertNoFullScan);
    }

    /**
     * A past window read in one statement, hour by hour: whole hours through the received-hour
     * index and, when the window has them, part-hours through received_at; nothing scanned.
     */
    private void assertReadHourByHour(String what, boolean partHours) {
        List<PlanCapture.Plan> plans = record(what);
        assertThat(plans).hasSize(1);
        assertUses(plans.getFirst(), "tasks", SqlOperatorReads.TASKS_RECEIVED_HOUR);
        if (partHours) {
            assertUses(plans.getFirst(), "tasks", SqlOperatorReads.TASKS_RECEIVED);
        }
        assertNoFullScan(plans.getFirst());
    }

    @Test
    void stateFilteredPagesWalkTheStateIndex() throws StoreException {
        TaskFilter failed = TaskFilter.all(project).withState("failure");
        reads.tasks(failed, null, 50);
        assertListWalk("tasks by state, first page", SqlOperatorReads.TASKS_STATE_LISTED);
        reads.tasks(failed, deepFailedTask, 50);
        assertListWalk("tasks by state, deep keyset page", SqlOperatorReads.TASKS_STATE_LISTED);
        reads.tasks(failed.withSearch("host1"), deepFailedTask, 50);
        assertListWalk("tasks by state + search, deep", SqlOperatorReads.TASKS_STATE_LISTED);
    }

    @Test
    void theTreeFindsTheRootsMembersThroughTheRootIndex() throws StoreException {
        reads.taskTree(project, "celery", "task-4201", 500);
        PlanCapture.Plan members = record("task tree").stream().filter(p -> p.sql().contains("root_task_id = ?"))
                .findFirst().orElseThrow();
        assertUses(members, "tasks", SqlOperatorReads.TASKS_ROOT);
        assertNoFullScan(members);
    }

    @Test
    void taskDetailTreeAndRefsAreKeyLookups() throws StoreException {
        reads.task(project, "celery", "task-42");
        reads.taskTree(project, "celery", "task-4201", 500);
        reads.taskRefs(project, "celery", List.of("task-1", "task-2", "task-3"));
        for (PlanCapture.Plan p : record("task detail, tree, refs")) {
            assertNoFullScan(p);
        }
    }

    @Test
    void theTimelineReadsOnlyTheTasksPartitionsThroughTheirIndex() throws StoreException {
        List<EventView> events = reads.events(project, "celery", "task-42", null, 100);
        assertThat(events).as("the volume put events of task-42 on two days").hasSizeGreaterThan(1);
        reads.events(project, "celery", "task-42", new Keys.Event(events.getFirst().occurredAt(), events.getFirst().id()),
                100);
        List<PlanCapture.Plan> plans = record("events timeline, first and next page");
        for (PlanCapture.Plan p : plans) {
            assertNoFullScan(p);
        }
        for (PlanCapture.Plan p : plans.stream().filter(p -> p.sql().contains("FROM events")).toList()) {
            // ties on occurred_at are sorted by id: the index has no id (it is paid for per event)
            assertSortsOnlyTies(p);
            assertUses(p, "events", eventIndex());
            assertThat(eventPartitionsRead(p)).as("partitions read by\n" + p.text())
                    .containsExactlyInAnyOrderElementsOf(task42Partitions());
        }
    }

    @Test
    void commandListWalksItsIndexAtEveryDepth() throws StoreException {
        reads.commands(project, null, null, 50);
        reads.commands(project, null, deepCommand, 50);
        reads.commands(project, "completed", deepCommand, 50);
        for (PlanCapture.Plan p : record("commands, first page, deep page, deep page by status")) {
            assertUses(p, "commands", SqlOperatorReads.COMMANDS_ISSUED);
            assertNoFullScan(p);
            assertNoSort(p);
        }
        reads.command(project, commandOfProject);
        reads.commandByIdempotencyKey(project, "key-7");
        for (PlanCapture.Plan p : record("command detail, idempotency key")) {
            assertNoFullScan(p);
        }
    }

    @Test
    void recentFailuresWalkThePartialFailureIndex() throws StoreException {
        reads.recentFailures(null, null, 50);
        reads.recentFailures(null, deepFailure, 50);
        for (PlanCapture.Plan p : record("recent failures, every project, first and deep page")) {
            assertUses(p, "tasks", SqlOperatorReads.TASKS_FAILED);
            assertNoFullScan(p);
            assertNoSort(p);
        }
        // One project of many: the failure index with a project filter, or (PostgreSQL's choice when
        // failures are common) that project's finished tasks newest first; never a scan.
        reads.recentFailures(List.of(project), deepFailure, 50);
        for (PlanCapture.Plan p : record("recent failures, one project, deep page")) {
            assertNoFullScan(p);
            assertSortsOnlyTies(p);
        }
    }

    @Test
    void workersQueuesStatsTrendsAndHomeReadOnlyTheProjectsRows() throws StoreException {
        Instant now = t0.plusSeconds(3 * 86_400);
        // The windowed counts read a window's share of the table. The fixture packs 240 000 tasks
        // into under three days, so a day here is a quarter of the table, where a scan and an index
        // range cost about the same and PostgreSQL's choice follows its sampled statistics (the test
        // failed now and then on exactly that). A day of a 30-day retention is about 3 %: two hours
        // of this fixture, which is the window asked here.
        Instant windowStart = t0.plusSeconds(240_000 - 7_200); // the last two hours of started tasks
        reads.workers(project, 500);
        reads.worker(project, workerOfProject);
        reads.queues(project);
        record("workers, worker, queues").forEach(this::assertNoFullScan);
        reads.stats(project, windowStart);
        // tasks_by_state counts every task the project ever had: O(its tasks) whichever way it is read,
        // and PostgreSQL reads the table when the project is most of it (as here). Every other
        // statement of the stats is a range of an index.
        record("stats").stream().filter(p -> !p.sql().startsWith("SELECT state, count(*) FROM tasks WHERE project_id = ? GROUP BY"))
                .forEach(this::assertNoFullScan);
        reads.trends(project, windowStart, now, 3600);
        for (PlanCapture.Plan p : record("trends")) {
            assertUses(p, "tasks", "ix_tasks_project_finished");
            assertNoFullScan(p);
        }
        reads.activity(List.of(project), windowStart, now);
        record("home activity").forEach(this::assertNoFullScan);
        reads.agent(agentOfProject);
        reads.newestOnlineAgent(project);
        record("agent lookups").forEach(this::assertNoFullScan);
    }

    @Test
    void bulkDeleteByFilterWalksTheListIndex() throws StoreException {
        // EXPLAIN first, then the delete runs: 0 rows match this filter, so the volume stays.
        reads.deleteTasks(TaskFilter.all(project).withNameFolded("no-such-task-name"), 10_000);
        List<PlanCapture.Plan> plans = record("bulk delete by filter");
        assertUses(plans.getFirst(), "tasks", SqlOperatorReads.TASKS_LISTED);
        plans.forEach(this::assertNoFullScan);
        // By row ids: one statement over the project's rows. The row id has no index of its own on
        // PostgreSQL (a random uuid index cost about 8 % of task writes); the plan is recorded, not judged.
        reads.deleteTasks(project, List.of(UUID.randomUUID(), UUID.randomUUID()));
        assertThat(record("bulk delete by ids")).hasSize(1);
    }

    @AfterAll
    static void writeReport() throws IOException {
        List<String> out = new ArrayList<>();
        REPORT.forEach((what, plans) -> {
            out.add("## " + what);
            for (PlanCapture.Plan p : plans) {
                out.add("");
                out.add(p.sql().replaceAll("\\s+", " ").strip());
                p.lines().forEach(l -> out.add("    " + l));
            }
            out.add("");
        });
        Path file = Path.of("target", "plans-" + databaseName + ".txt");
        Files.createDirectories(file.getParent());
        Files.write(file, out);
        REPORT.clear();
    }
}
