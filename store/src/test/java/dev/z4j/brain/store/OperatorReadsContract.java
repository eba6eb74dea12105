package dev.z4j.brain.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.read.AgentRef;
import dev.z4j.brain.store.read.EventView;
import dev.z4j.brain.store.read.FailureView;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.ProjectActivity;
import dev.z4j.brain.store.read.QueueView;
import dev.z4j.brain.store.read.StatsView;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskTree;
import dev.z4j.brain.store.read.TaskView;
import dev.z4j.brain.store.read.TrendBucket;
import dev.z4j.brain.store.read.WorkerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the operator reads return, pinned row by row; run on PostgreSQL and on SQLite by the two
 * subclasses, so both databases give exactly these answers. Each test works in its own project.
 */
public abstract class OperatorReadsContract {
    protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    protected UUID project;
    protected UUID agent;

    protected abstract Database db();

    /** Runs a statement on the database behind the store's back (to set what no ingest path writes yet). */
    protected abstract void sql(String statement, Object... params);

    /** How a uuid is bound in {@link #sql} on this database. */
    protected abstract Object id(UUID id);

    /** This store's operator reads over the same database, keeping counts from {@code exactBelow} tasks up, at most {@code maxAge} old. */
    protected abstract OperatorReads readsKeepingLargeCounts(long exactBelow, Duration maxAge);

    private OperatorReads reads() {
        return db().reads();
    }

    @BeforeEach
    void newProject() throws StoreException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        project = db().directory().createProject("reads-" + suffix, "Reads").id();
        agent = db().directory().createAgent(project, "agent-" + suffix, "hash-" + suffix).id();
    }

    // ------------------------------------------------------------------ event builders

    private EventRow event(String taskId, String kind, Instant at, Facts facts, String queue, String worker) {
        return new EventRow(UUID.randomUUID(), project, agent, "celery", taskId, kind, at, at.plusSeconds(1),
                "{\"kind\":\"" + kind + "\"}", facts.build(), queue, worker);
    }

    private void write(EventRow... events) throws StoreException {
        db().eventStore().write(List.of(events));
    }

    /** A task received at {@code at} and (when {@code startedAfter} is not null) started that much later. */
    private void task(String taskId, String name, String queue, String priority, Instant at, Duration startedAfter,
                      String worker) throws StoreException {
        List<EventRow> events = new ArrayList<>();
        events.add(event(taskId, "task.received", at, Facts.of("task.received").name(name).priority(priority)
                .args("[1, \"x\"]").kwargs("{\"to\": \"a@b\"}"), queue, null));
        if (startedAfter != null) {
            events.add(event(taskId, "task.started", at.plus(startedAfter), Facts.of("task.started").name(name),
                    queue, worker));
        }
        db().eventStore().write(events);
    }

    private void finish(String taskId, String kind, Instant at, String worker) throws StoreException {
        Facts f = Facts.of(kind);
        if (kind.equals("task.succeeded")) {
            f.result("{\"ok\": true}").runtimeMs(250L);
        } else if (kind.equals("task.failed")) {
            f.exception("ValueError('boom')").traceback("Traceback (most recent call last): ...");
        }
        write(event(taskId, kind, at, f, null, worker));
    }

    private static List<String> ids(List<TaskView> tasks) {
        return tasks.stream().map(TaskView::taskId).toList();
    }

    private List<String> list(TaskFilter filter) throws StoreException {
        return ids(reads().tasks(filter, null, 500));
    }

    /** Walks every page of {@code pageSize} and returns the task ids in the order seen. */
    private List<String> walk(TaskFilter filter, int pageSize) throws StoreException {
        List<String> seen = new ArrayList<>();
        Keys.Task after = null;
        while (true) {
            List<TaskView> page = reads().tasks(filter, after, pageSize);
            seen.addAll(ids(page));
            if (page.size() < pageSize) {
                return seen;
            }
            after = Keys.Task.of(page.getLast());
        }
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void theTaskListIsNewestStartedFirstWithNeverStartedLastAndPagesNeitherRepeatNorSkip() throws Exception {
        task("t1", "app.a", "default", null, T0, Duration.ofSeconds(1), "w1");
        task("t2", "app.a", "default", null, T0.plusSeconds(10), Duration.ofSeconds(1), "w1");
        task("t3", "app.b", "default", null, T0.plusSeconds(20), Duration.ofSeconds(1), "w2");
        task("q1", "app.c", "default", null, T0.plusSeconds(30), null, null);   // never started
        task("q2", "app.c", "default", null, T0.plusSeconds(31), null, null);   // never started
        task("q3", "app.c", "default", null, T0.plusSeconds(32), null, null);   // never started
        // two tasks started at the very same microsecond: the row id decides, highest first
        task("s1", "app.d", "default", null, T0.plusSeconds(40), Duration.ofSeconds(1), "w1");
        task("s2", "app.d", "default", null, T0.plusSeconds(40), Duration.ofSeconds(1), "w1");

        List<TaskView> all = reads().tasks(TaskFilter.all(project), null, 500);
        List<String> expected = new ArrayList<>(tied(all, "s1", "s2"));
        expected.addAll(List.of("t3", "t2", "t1"));
        expected.addAll(tied(all, "q1", "q2", "q3"));
        assertThat(ids(all)).isEqualTo(expected);
        for (int pageSize = 1; pageSize <= 4; pageSize++) {
            assertThat(walk(TaskFilter.all(project), pageSize)).as("pages of %d", pageSize).isEqualTo(expected);
        }
    }

    /** The given tasks (which share a sort key) in the list's tie order: row id, highest first. */
    private static List<String> tied(List<TaskView> all, String... taskIds) {
        Set<String> wanted = Set.of(taskIds);
        return all.stream().filter(t -> wanted.contains(t.taskId()))
                .sorted(Comparator.comparing((TaskView t) -> t.id().toString()).reversed()).map(TaskView::taskId).toList();
    }

    @Test
    void everyFilterOfTheTaskListSelectsExactlyItsRows() throws Exception {
        task("a-1", "app.tasks.SendEmail", "mail", "high", T0, Duration.ofSeconds(1), "celery@host1");
        task("a-2", "app.tasks.resize", "images", "critical", T0.plusSeconds(10), Duration.ofSeconds(1), "celery@host2");
        task("a-3", "app.tasks.Ärger", "default", "low", T0.plusSeconds(20), Duration.ofSeconds(1), "celery@host1");
        task("MAIL-4", "other", "default", null, T0.plusSeconds(30), null, null);
        finish("a-1", "task.failed", T0.plusSeconds(5), "celery@host1");
        TaskFilter all = TaskFilter.all(project);

        assertThat(list(all.withState("failure"))).containsExactly("a-1");
        assertThat(list(all.withState("started"))).containsExactly("a-3", "a-2");
        assertThat(list(all.withPriorities(List.of("high", "critical")))).containsExactly("a-2", "a-1");
        assertThat(list(all.withPriorities(List.of("normal")))).containsExactly("MAIL-4");
        assertThat(list(all.withName("tasks.S"))).as("name is case-sensitive").containsExactly("a-1");
        assertThat(list(all.withName("tasks.s"))).isEmpty();
        assertThat(list(all.withNameFolded("SENDEMAIL"))).containsExactly("a-1");
        // search: name, queue, worker name or task id, A-Z folded
        assertThat(list(all.withSearch("MAIL"))).containsExactly("a-1", "MAIL-4");
        assertThat(list(all.withSearch("HOST2"))).containsExactly("a-2");
        assertThat(list(all.withSearch("images"))).containsExactly("a-2");
        assertThat(list(all.withSearch("ärger"))).as("only A-Z fold, on both databases alike").isEmpty();
        assertThat(list(all.withSearch("Ärger"))).containsExactly("a-3");
        assertThat(list(all.withSearch("100%"))).as("no LIKE wildcards").isEmpty();
        assertThat(list(all.withQueue("default"))).containsExactly("a-3", "MAIL-4");
        assertThat(list(all.withQueue("defaul"))).as("queue is exact").isEmpty();
        assertThat(list(all.withWorker("celery@host1"))).containsExactly("a-3", "a-1");
        // since / until bound received_at, both inclusive
        assertThat(list(all.withSince(T0.plusSeconds(10)).withUntil(T0.plusSeconds(20)))).containsExactly("a-3", "a-2");
        assertThat(list(all.withState("started").withPriorities(List.of("low")).withSearch("host1")))
                .containsExactly("a-3");
        assertThat(reads().countTasks(all, null, 100)).isEqualTo(4);
        assertThat(reads().countTasks(all, null, 3)).as("counts no further than asked").isEqualTo(3);
        assertThat(reads().countTasks(all.withState("failure"), null, 100)).isEqualTo(1);
        TaskView second = reads().tasks(all, null, 2).get(1);
        assertThat(reads().countTasks(all, Keys.Task.of(second), 100)).as("what is left after a page").isEqualTo(2);
    }

    @Test
    void queueWorkerAndPriorityPagesKeepTheListOrderAcrossTiesAndNeverStartedRows() throws Exception {
        // each filter walks its own index (V014): its pages must be the unfiltered list's order, filtered
        for (int i = 0; i < 12; i++) {
            String queue = i % 3 == 0 ? "mail" : "default";
            String priority = i % 4 == 0 ? "critical" : null;
            String worker = i % 2 == 0 ? "celery@a" : "celery@b";
            Instant at = T0.plusSeconds(i / 3 * 10); // three tasks share each time: ties by row id
            task("f-" + i, "app.f", queue, priority, at, i % 5 == 4 ? null : Duration.ofSeconds(1), worker);
        }
        List<TaskView> all = reads().tasks(TaskFilter.all(project), null, 500);
        assertThat(all).hasSize(12);
        List<String> mail = all.stream().filter(t -> "mail".equals(t.queue())).map(TaskView::taskId).toList();
        List<String> onA = all.stream().filter(t -> "celery@a".equals(t.workerName())).map(TaskView::taskId).toList();
        List<String> critical = all.stream().filter(t -> "critical".equals(t.priority())).map(TaskView::taskId).toList();
        assertThat(mail).as("never-started rows are in the filter").contains("f-9");
        for (int pageSize = 1; pageSize <= 3; pageSize++) {
            assertThat(walk(TaskFilter.all(project).withQueue("mail"), pageSize)).as("queue, pages of %d", pageSize)
                    .isEqualTo(mail);
            assertThat(walk(TaskFilter.all(project).withWorker("celery@a"), pageSize)).as("worker, pages of %d", pageSize)
                    .isEqualTo(onA);
            assertThat(walk(TaskFilter.all(project).withPriorities(List.of("critical")), pageSize))
                    .as("one priority, pages of %d", pageSize).isEqualTo(critical);
        }
        assertThat(reads().countTasks(TaskFilter.all(project).withQueue("mail"), null, 100)).isEqualTo(mail.size());
    }

    @Test
    void aNamePageReadNameByNameIsTheListFilteredInItsOwnOrder() throws Exception {
        // 40 names, tasks of different names started at the same microsecond, a fifth never started
        for (int i = 0; i < 160; i++) {
            task("j" + i, String.format("app.job-%02d", i % 40), "default", null, T0.plusSeconds(i % 30),
                    i % 5 == 0 ? null : Duration.ofSeconds(1), "celery@w");
        }
        task("upper", "app.JOB-12", "default", null, T0.plusSeconds(7), Duration.ofSeconds(1), "celery@w");
        List<TaskView> everything = reads().tasks(TaskFilter.all(project), null, 500);
        assertThat(everything).hasSize(161);
        TaskFilter all = TaskFilter.all(project);
        // 10 names (read name by name), 1, 40 (more than a page by name takes: the list walk), 0, 1
        for (String needle : List.of("job-1", "job-39", "job-", "nothing", "JOB-12")) {
            List<String> expected = everything.stream().filter(t -> t.name().contains(needle)).map(TaskView::taskId).toList();
            assertThat(list(all.withName(needle))).as(needle).isEqualTo(expected);
            for (int pageSize = 1; pageSize <= 3; pageSize++) {
                assertThat(walk(all.withName(needle), pageSize)).as("%s, pages of %d", needle, pageSize).isEqualTo(expected);
            }
        }
        List<String> folded = everything.stream().filter(t -> t.name().toLowerCase(Locale.ROOT).contains("job-12"))
                .map(TaskView::taskId).toList();
        assertThat(folded).contains("upper").hasSize(5);
        assertThat(walk(all.withNameFolded("JOB-12"), 2)).as("A-Z folded").isEqualTo(folded);
        assertThat(list(all.withName("job-1").withSearch("J15"))).as("other filters still apply")
                .isEqualTo(List.of("j15"));
        // more distinct names than a page reads before choosing: the list walk, the same page
        List<EventRow> many = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            many.add(event("m" + i, "task.received", T0.plusSeconds(100 + i), Facts.of("task.received")
                    .name("app.many-" + i), "default", null));
        }
        db().eventStore().write(many);
        List<TaskView> now = reads().tasks(TaskFilter.all(project), null, 5000);
        for (String needle : List.of("job-1", "many-59")) {
            assertThat(walk(all.withName(needle), 3)).as("%s among 641 names", needle)
                    .isEqualTo(now.stream().filter(t -> t.name().contains(needle)).map(TaskView::taskId).toList())
                    .hasSize(needle.equals("job-1") ? 40 : 11); // 10 names x 4 tasks, 11 names x 1
        }
    }

    @Test
    void aTimeWindowFarDownTheListPagesExactlyThroughItsOwnRows() throws Exception {
        // five tasks in the window, then more rows started after them than a page's first look covers
        task("w-1", "old", "default", null, T0.plusSeconds(1), Duration.ofSeconds(100), "celery@old");
        task("w-2", "old", "default", null, T0.plusSeconds(2), Duration.ofSeconds(100), "celery@old");
        task("w-3", "old", "default", null, T0.plusSeconds(3), null, null);
        task("w-4", "old", "default", null, T0.plusSeconds(4), Duration.ofSeconds(100), "celery@old");
        task("w-5", "old", "default", null, T0.plusSeconds(5), Duration.ofSeconds(100), "celery@old");
        task("outside", "old", "default", null, T0.plusSeconds(11), Duration.ofSeconds(100), "celery@old");
        List<EventRow> newer = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            Instant at = T0.plusSeconds(1000 + i);
            newer.add(event("n-" + i, "task.received", at, Facts.of("task.received").name("new"), "default", null));
            newer.add(event("n-" + i, "task.started", at.plusSeconds(1), Facts.of("task.started").name("new"),
                    "default", "celery@new"));
        }
        db().eventStore().write(newer);
        TaskFilter window = TaskFilter.all(project).withSince(T0).withUntil(T0.plusSeconds(10));

        assertThat(list(window)).containsExactly("w-5", "w-4", "w-2", "w-1", "w-3");
        assertThat(walk(window, 2)).as("keyset pages of the window").containsExactly("w-5", "w-4", "w-2", "w-1", "w-3");
        assertThat(list(window.withWorker("celery@old"))).containsExactly("w-5", "w-4", "w-2", "w-1");
        assertThat(list(TaskFilter.all(project).withSince(T0.plusSeconds(2_000)))).as("near the head").hasSize(100);
    }

    @Test
    void aWindowReadHourByHourPagesExactlyAsTheFilteredList() throws Exception {
        Instant day0 = Instant.parse("2026-03-01T00:00:00Z");
        List<EventRow> rows = new ArrayList<>();
        // 300 tasks over 65 hours, started 0-10 h after they were received (so an hour's list order
        // is not its receive order), every fifth never started
        for (int i = 0; i < 300; i++) {
            Instant at = day0.plus(Duration.ofMinutes(13L * i));
            String id = "d-" + i;
            rows.add(event(id, "task.received", at, Facts.of("task.received").name("app.d"), "default", null));
            if (i % 5 != 0) {
                Instant started = at.plus(Duration.ofMinutes((37L * i) % 600));
                rows.add(event(id, "task.started", started, Facts.of("task.started").name("app.d"), "default",
                        i % 2 == 0 ? "celery@even" : "celery@odd"));
            }
        }
        // more newer rows than a window page's first look at the list covers
        for (int i = 0; i < 1100; i++) {
            Instant at = day0.plus(Duration.ofDays(5)).plusSeconds(i);
            rows.add(event("n-" + i, "task.received", at, Facts.of("task.received").name("new"), "default", null));
            rows.add(event("n-" + i, "task.started", at.plusSeconds(1), Facts.of("task.started").name("new"),
                    "default", "celery@new"));
        }
        db().eventStore().write(rows);
        List<TaskView> everything = reads().tasks(TaskFilter.all(project), null, 5000);
        assertThat(everything).hasSize(1400);
        Duration h = Duration.ofHours(1);
        List<Instant[]> windows = List.of(
                new Instant[] {day0.plus(h.multipliedBy(24)), day0.plus(h.multipliedBy(48))},  // a UTC day, until inclusive
                new Instant[] {day0.plus(h.multipliedBy(12)).plusSeconds(600), day0.plus(h.multipliedBy(54))}, // 42 h
                new Instant[] {day0.plus(h.multipliedBy(34)).plusSeconds(300), day0.plus(h.multipliedBy(34)).plusSeconds(3000)},
                new Instant[] {day0, day0.plus(h.multipliedBy(73))});                         // more than 48 h
        for (Instant[] w : windows) {
            TaskFilter window = TaskFilter.all(project).withSince(w[0]).withUntil(w[1]);
            List<String> expected = everything.stream()
                    .filter(t -> !t.receivedAt().isBefore(w[0]) && !t.receivedAt().isAfter(w[1]))
                    .map(TaskView::taskId).toList();
            assertThat(expected).as("%s..%s", w[0], w[1]).isNotEmpty();
            assertThat(list(window)).as("%s..%s", w[0], w[1]).isEqualTo(expected);
            for (int pageSize = 1; pageSize <= 3; pageSize++) {
                assertThat(walk(window, pageSize)).as("%s..%s, pages of %d", w[0], w[1], pageSize).isEqualTo(expected);
            }
            List<String> odd = everything.stream()
                    .filter(t -> !t.receivedAt().isBefore(w[0]) && !t.receivedAt().isAfter(w[1]))
                    .filter(t -> "celery@odd".equals(t.workerName())).map(TaskView::taskId).toList();
            assertThat(walk(window.withWorker("celery@odd"), 2)).as("and a worker").isEqualTo(odd);
        }
    }

    @Test
    void aStateFilteredWalkCrossesFromStartedToNeverStartedRows() throws Exception {
        for (int i = 0; i < 5; i++) {
            task("r" + i, "app.r", "default", null, T0.plusSeconds(i), i % 2 == 0 ? null : Duration.ofSeconds(1), null);
        }
        // received r0, r2, r4 never started: they stay in state received
        assertThat(walk(TaskFilter.all(project).withState("received"), 1))
                .containsExactlyInAnyOrder("r0", "r2", "r4").hasSize(3);
        assertThat(walk(TaskFilter.all(project), 2)).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void taskDetailCarriesEveryColumn() throws Exception {
        task("d1", "app.detail", "default", "high", T0, Duration.ofMillis(500), "celery@host1");
        finish("d1", "task.succeeded", T0.plusSeconds(2), "celery@host1");

        TaskView t = reads().task(project, "celery", "d1").orElseThrow();
        assertThat(t.id()).isNotNull();
        assertThat(t.projectId()).isEqualTo(project);
        assertThat(t.name()).isEqualTo("app.detail");
        assertThat(t.queue()).isEqualTo("default");
        assertThat(t.state()).isEqualTo("success");
        assertThat(t.priority()).as("the real priority, not always normal").isEqualTo("high");
        assertThat(StoreTwins.json(t.argsJson())).isEqualTo(List.of("1", "x"));
        assertThat(StoreTwins.json(t.kwargsJson())).isEqualTo(Map.of("to", "a@b"));
        assertThat(StoreTwins.json(t.resultJson())).isEqualTo(Map.of("ok", "true"));
        assertThat(t.runtimeMs()).isEqualTo(250L);
        assertThat(t.retryCount()).isZero();
        assertThat(t.receivedAt()).isEqualTo(T0);
        assertThat(t.startedAt()).isEqualTo(T0.plusMillis(500));
        assertThat(t.finishedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(t.workerName()).isEqualTo("celery@host1");
        assertThat(t.tags()).isEmpty();
        assertThat(t.createdAt()).isNotNull();
        assertThat(t.updatedAt()).isNotNull();
        assertThat(reads().task(project, "rq", "d1")).as("engine is part of the key").isEmpty();
        assertThat(reads().task(UUID.randomUUID(), "celery", "d1")).isEmpty();
    }

    @Test
    void theTreeIsEveryTaskSharingTheRootAndIsCapped() throws Exception {
        write(event("root", "task.received", T0, Facts.of("task.received").name("chain"), "default", null));
        for (int i = 0; i < 4; i++) {
            write(event("child-" + i, "task.received", T0.plusSeconds(1 + i),
                    Facts.of("task.received").name("step").parent(i == 0 ? "root" : "child-" + (i - 1)).root("root"),
                    "default", null));
        }
        task("alone", "solo", "default", null, T0, null, null);

        TaskTree fromChild = reads().taskTree(project, "celery", "child-2", 500).orElseThrow();
        assertThat(fromChild.rootTaskId()).isEqualTo("root");
        assertThat(fromChild.truncated()).isFalse();
        assertThat(fromChild.nodes()).extracting(TaskTree.Node::taskId)
                .containsExactly("root", "child-0", "child-1", "child-2", "child-3");
        assertThat(fromChild.nodes().get(2).parentTaskId()).isEqualTo("child-0");
        assertThat(fromChild.nodes().get(2).rootTaskId()).isEqualTo("root");
        assertThat(reads().taskTree(project, "celery", "root", 500).orElseThrow().nodes()).hasSize(5);

        TaskTree capped = reads().taskTree(project, "celery", "root", 3).orElseThrow();
        assertThat(capped.truncated()).isTrue();
        assertThat(capped.nodes()).extracting(TaskTree.Node::taskId).containsExactly("root", "child-0", "child-1");

        TaskTree alone = reads().taskTree(project, "celery", "alone", 500).orElseThrow();
        assertThat(alone.rootTaskId()).isEqualTo("alone");
        assertThat(alone.nodes()).extracting(TaskTree.Node::taskId).containsExactly("alone");
        assertThat(reads().taskTree(project, "celery", "nope", 500)).isEmpty();

        // Celery gives a root its own id as root_id: it is still one node
        write(event("self-root", "task.received", T0, Facts.of("task.received").name("chord").root("self-root"),
                "default", null));
        write(event("kid", "task.received", T0.plusSeconds(1),
                Facts.of("task.received").name("step").parent("self-root").root("self-root"), "default", null));
        assertThat(reads().taskTree(project, "celery", "kid", 500).orElseThrow().nodes())
                .extracting(TaskTree.Node::taskId).containsExactly("self-root", "kid");
    }

    // ------------------------------------------------------------------ events

    @Test
    void theTimelineIsNewestFirstPagedAndCoversEveryReceiveDay() throws Exception {
        Instant day1 = T0;
        Instant day3 = T0.plus(Duration.ofDays(2));
        EventRow received = new EventRow(UUID.randomUUID(), project, agent, "celery", "tl", "task.received", day1,
                day1, "{\"n\":1}", Facts.of("task.received").name("tl").build(), "default", null);
        EventRow retried = new EventRow(UUID.randomUUID(), project, agent, "celery", "tl", "task.retried",
                day1.plusSeconds(5), day1.plusSeconds(5), "{\"n\":2}", Facts.of("task.retried").build(), null, null);
        // resent by the agent two days later (a buffered event): stored on its receive day
        EventRow started = new EventRow(UUID.randomUUID(), project, agent, "celery", "tl", "task.started",
                day1.plusSeconds(10), day3, "{\"n\":3}", Facts.of("task.started").build(), null, "w");
        EventRow otherEngine = new EventRow(UUID.randomUUID(), project, agent, "rq", "tl", "task.received",
                day1.plusSeconds(7), day1, "{}", Facts.of("task.received").build(), null, null);
        write(received, retried, otherEngine);
        write(started);

        List<EventView> all = reads().events(project, "celery", "tl", null, 100);
        assertThat(all).extracting(EventView::kind).containsExactly("task.started", "task.retried", "task.received");
        EventView first = all.getFirst();
        assertThat(first.id()).isEqualTo(started.id());
        assertThat(first.projectId()).isEqualTo(project);
        assertThat(first.agentId()).isEqualTo(agent);
        assertThat(first.engine()).isEqualTo("celery");
        assertThat(first.taskId()).isEqualTo("tl");
        assertThat(first.occurredAt()).isEqualTo(day1.plusSeconds(10));
        assertThat(StoreTwins.json(first.payloadJson())).isEqualTo(Map.of("n", "3"));

        List<String> paged = new ArrayList<>();
        Keys.Event after = null;
        for (int i = 0; i < 4; i++) {
            List<EventView> page = reads().events(project, "celery", "tl", after, 1);
            page.forEach(e -> paged.add(e.kind()));
            if (page.isEmpty()) {
                break;
            }
            after = new Keys.Event(page.getLast().occurredAt(), page.getLast().id());
        }
        assertThat(paged).containsExactly("task.started", "task.retried", "task.received");

        // A row written before the receive days existed has no lower bound: nothing is lost.
        sql("UPDATE tasks SET first_received_day = NULL, last_received_day = NULL WHERE project_id = ? AND task_id = 'tl'"
                + " AND engine = 'celery'", id(project));
        assertThat(reads().events(project, "celery", "tl", null, 100)).hasSize(3);
        assertThat(reads().events(project, "celery", "unknown-task", null, 100)).isEmpty();
    }

    // ------------------------------------------------------------------ workers and queues

    @Test
    void workersCountTheirTasksAndListNewestHeartbeatFirst() throws Exception {
        task("w-1", "app", "default", null, T0, Duration.ofSeconds(1), "celery@a");
        task("w-2", "app", "default", null, T0, Duration.ofSeconds(1), "celery@a");
        task("w-3", "app", "default", null, T0, Duration.ofSeconds(1), "celery@b");
        EventRow succeeded = event("w-1", "task.succeeded", T0.plusSeconds(3), Facts.of("task.succeeded"), null,
                "celery@a");
        write(succeeded);
        write(succeeded); // a resend stores nothing new, so it counts nothing
        finish("w-2", "task.failed", T0.plusSeconds(4), "celery@a");
        write(event("w-2", "task.retried", T0.plusSeconds(4), Facts.of("task.retried"), null, "celery@a"));
        finish("w-3", "task.succeeded", T0.plusSeconds(2), "celery@b");

        List<WorkerView> workers = reads().workers(project, 500);
        assertThat(workers).extracting(WorkerView::name).containsExactly("celery@a", "celery@b");
        WorkerView a = workers.getFirst();
        assertThat(a.succeeded()).isEqualTo(1);
        assertThat(a.failed()).isEqualTo(1);
        assertThat(a.retried()).isEqualTo(1);
        assertThat(a.state()).isEqualTo("online");
        assertThat(a.lastHeartbeat()).isEqualTo(T0.plusSeconds(4));
        assertThat(a.queues()).isEmpty();
        assertThat(a.engine()).isEqualTo("celery");
        assertThat(a.createdAt()).isNotNull();
        assertThat(StoreTwins.json(a.metadataJson())).isEqualTo(Map.of());
        assertThat(reads().worker(project, a.id())).contains(a);
        assertThat(reads().worker(UUID.randomUUID(), a.id())).as("another project's worker").isEmpty();
        assertThat(reads().workers(project, 1)).hasSize(1);
    }

    @Test
    void queuesAreListedByName() throws Exception {
        task("q-1", "app", "zeta", null, T0, null, null);
        task("q-2", "app", "alpha", null, T0.plusSeconds(5), null, null);
        List<QueueView> queues = reads().queues(project);
        assertThat(queues).extracting(QueueView::name).containsExactly("alpha", "zeta");
        assertThat(queues.getFirst().lastSeenAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(queues.getFirst().id()).isNotNull();
        assertThat(queues.getFirst().createdAt()).isNotNull();
        assertThat(queues.getFirst().pendingCount()).isNull();
    }

    @Test
    void reportedQueueDepthsShowInTheStatsAndCreateQueuesNoEventNamed() throws Exception {
        task("d-1", "app", "default", null, T0, null, null);
        db().directory().recordQueueDepths(List.of(
                new Directory.QueueDepth(project, "celery", "default", 4),
                new Directory.QueueDepth(project, "celery", "only-reported", 12),
                new Directory.QueueDepth(project, "celery", "default", 9))); // the last given wins
        db().directory().recordQueueDepths(List.of());
        assertThat(reads().stats(project, T0).queueDepths()).extracting(QueueView::name, QueueView::pendingCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", 9),
                        org.assertj.core.groups.Tuple.tuple("only-reported", 12));
        QueueView reported = reads().queues(project).get(1);
        assertThat(reported.name()).isEqualTo("only-reported");
        assertThat(reported.lastSeenAt()).as("no event named it").isNull();
        assertThat(reported.id()).isNotNull();
        assertThat(reads().queues(project).getFirst().lastSeenAt()).isEqualTo(T0);
    }

    // ------------------------------------------------------------------ commands

    private CommandStore.Command issue(Instant at, String key) throws StoreException {
        return db().commands().insert(new CommandStore.NewCommand(project, agent, "retry_task",
                "{\"type\":\"task\",\"id\":\"celery:x\"}", "{\"engine\":\"celery\"}", 60, null, key), at);
    }

    @Test
    void commandsPageNewestFirstFilterByStatusAndStayInTheirProject() throws Exception {
        List<CommandStore.Command> issued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            issued.add(issue(T0.plusSeconds(i), null));
        }
        CommandStore.Command same = issue(T0.plusSeconds(4), null); // same issued_at as the newest
        db().commands().claim(issued.get(1).id(), "socket", T0.plusSeconds(10));

        List<UUID> walked = new ArrayList<>();
        Keys.Command after = null;
        while (true) {
            List<CommandStore.Command> page = reads().commands(project, null, after, 2);
            page.forEach(c -> walked.add(c.id()));
            if (page.size() < 2) {
                break;
            }
            after = new Keys.Command(page.getLast().issuedAt(), page.getLast().id());
        }
        List<UUID> newestTwo = List.of(issued.get(4).id(), same.id()).stream()
                .sorted(Comparator.comparing(UUID::toString).reversed()).toList();
        List<UUID> expected = new ArrayList<>(newestTwo);
        expected.addAll(List.of(issued.get(3).id(), issued.get(2).id(), issued.get(1).id(), issued.get(0).id()));
        assertThat(walked).isEqualTo(expected);

        assertThat(reads().commands(project, "dispatched", null, 50)).extracting(CommandStore.Command::id)
                .containsExactly(issued.get(1).id());
        CommandStore.Command one = reads().command(project, issued.get(2).id()).orElseThrow();
        assertThat(one.action()).isEqualTo("retry_task");
        assertThat(one.status()).isEqualTo("pending");
        assertThat(one.issuedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(StoreTwins.json(one.targetJson())).isEqualTo(Map.of("type", "task", "id", "celery:x"));
        assertThat(reads().command(UUID.randomUUID(), issued.get(2).id())).isEmpty();

        CommandStore.Command keyed = issue(T0.plusSeconds(9), "key-1");
        assertThat(reads().commandByIdempotencyKey(project, "key-1")).map(CommandStore.Command::id).contains(keyed.id());
        assertThat(reads().commandByIdempotencyKey(project, "key-2")).isEmpty();
    }

    // ------------------------------------------------------------------ stats, trends, home

    @Test
    void statsCountEveryStateTheWindowAndTheFleet() throws Exception {
        Instant now = Instant.now();
        Instant recent = now.minus(Duration.ofHours(2));
        task("s-ok", "app", "default", null, recent, Duration.ofSeconds(1), "celery@a");
        finish("s-ok", "task.succeeded", recent.plusSeconds(2), "celery@a");
        task("s-bad", "app", "default", null, recent, Duration.ofSeconds(1), "celery@a");
        finish("s-bad", "task.failed", recent.plusSeconds(2), "celery@a");
        task("s-old", "app", "default", null, now.minus(Duration.ofDays(3)), Duration.ofSeconds(1), "celery@b");
        finish("s-old", "task.failed", now.minus(Duration.ofDays(3)).plusSeconds(2), "celery@b");
        task("s-waiting", "app", "default", null, recent, null, null);
        db().directory().markStaleOffline(now.minus(Duration.ofDays(1))); // celery@b goes offline
        issue(now, null);
        sql("UPDATE queues SET pending_count = 7 WHERE project_id = ? AND name = 'default'", id(project));

        StatsView s = reads().stats(project, now.minus(Duration.ofHours(24)));
        assertThat(s.tasksByState()).containsOnlyKeys("pending", "received", "started", "success", "failure", "retry",
                "revoked", "rejected", "unknown");
        assertThat(s.tasksByState()).containsEntry("success", 1L).containsEntry("failure", 2L)
                .containsEntry("received", 1L).containsEntry("pending", 0L);
        assertThat(s.tasksFailedInWindow()).isEqualTo(1);
        assertThat(s.tasksSucceededInWindow()).isEqualTo(1);
        assertThat(s.agentsOnline()).isZero();
        assertThat(s.agentsOffline()).isEqualTo(1);
        assertThat(s.workersOnline()).isEqualTo(1);
        assertThat(s.workersOffline()).isEqualTo(1);
        assertThat(s.commandsPending()).isEqualTo(1);
        assertThat(s.commandsCompletedInWindow()).isZero();
        assertThat(s.queueDepths()).singleElement().satisfies(q -> {
            assertThat(q.name()).isEqualTo("default");
            assertThat(q.pendingCount()).isEqualTo(7);
        });
    }

    @Test
    void largeWindowCountsAreAnsweredFromTheLastCountUntilABackgroundRecount() throws Exception {
        OperatorReads keeping = readsKeepingLargeCounts(3, Duration.ofMillis(300));
        Instant recent = Instant.now().minus(Duration.ofHours(2));
        for (int i = 0; i < 3; i++) {
            task("k-" + i, "app", "default", null, recent, Duration.ofSeconds(1), "celery@a");
            finish("k-" + i, "task.failed", recent.plusSeconds(2), "celery@a");
        }
        assertThat(keeping.stats(project, Instant.now().minus(Duration.ofHours(24))).tasksFailedInWindow()).isEqualTo(3);
        assertThat(keeping.activity(List.of(project), Instant.now().minus(Duration.ofHours(24)), Instant.now())
                .get(project)).satisfies(a -> {
                    assertThat(a.tasksStarted()).isEqualTo(3);
                    assertThat(a.tasksFailed()).isEqualTo(3);
                });

        task("k-3", "app", "default", null, recent, Duration.ofSeconds(1), "celery@a");
        finish("k-3", "task.failed", recent.plusSeconds(2), "celery@a");
        assertThat(keeping.stats(project, Instant.now().minus(Duration.ofHours(24))).tasksFailedInWindow())
                .as("3 tasks or more: the last count, younger than its max age").isEqualTo(3);
        assertThat(keeping.activity(List.of(project), Instant.now().minus(Duration.ofHours(24)), Instant.now())
                .get(project).tasksFailed()).isEqualTo(3);
        assertThat(reads().stats(project, Instant.now().minus(Duration.ofHours(24))).tasksFailedInWindow())
                .as("below 100 000 tasks: exact").isEqualTo(4);

        // Past the max age, a request starts one background recount and later requests see it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                keeping.stats(project, Instant.now().minus(Duration.ofHours(24))).tasksFailedInWindow() == 4);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            ProjectActivity a = keeping.activity(List.of(project), Instant.now().minus(Duration.ofHours(24)),
                    Instant.now()).get(project);
            return a.tasksStarted() == 4 && a.tasksFailed() == 4;
        });
        assertThat(keeping.stats(project, Instant.now().minus(Duration.ofHours(1))).tasksFailedInWindow())
                .as("another window is its own count").isZero();
    }

    @Test
    void trendsBucketFinishedTasksAndSumTheirRuntimes() throws Exception {
        Instant base = Instant.parse("2026-03-01T10:00:00Z");
        task("tr-1", "app", "default", null, base, Duration.ofSeconds(1), "w");
        finish("tr-1", "task.succeeded", base.plusSeconds(60), "w");            // bucket 10:00
        task("tr-2", "app", "default", null, base, Duration.ofSeconds(1), "w");
        finish("tr-2", "task.succeeded", base.plusSeconds(1800), "w");          // bucket 10:00
        task("tr-3", "app", "default", null, base, Duration.ofSeconds(1), "w");
        finish("tr-3", "task.failed", base.plusSeconds(3600 + 5), "w");         // bucket 11:00
        task("tr-4", "app", "default", null, base, Duration.ofSeconds(1), "w");
        finish("tr-4", "task.succeeded", base.plusSeconds(7200 + 5), "w");      // after the window

        List<TrendBucket> buckets = reads().trends(project, base, base.plusSeconds(7200), 3600);
        assertThat(buckets).containsExactly(
                new TrendBucket(base.getEpochSecond() / 3600, 2, 0, 0, 0, 500, 2),
                new TrendBucket(base.getEpochSecond() / 3600 + 1, 0, 1, 0, 0, 0, 0));
    }

    @Test
    void homeActivityAndRecentFailuresAcrossProjects() throws Exception {
        UUID first = project;
        Instant now = Instant.now();
        task("h-1", "app", "default", null, now.minusSeconds(600), Duration.ofSeconds(1), "celery@a");
        finish("h-1", "task.failed", now.minusSeconds(500), "celery@a");
        task("h-2", "app", "default", null, now.minusSeconds(400), Duration.ofSeconds(1), "celery@a");
        task("h-old", "app", "default", null, now.minus(Duration.ofDays(2)), Duration.ofSeconds(1), "celery@a");
        CommandStore.Command stuck = issue(now.minusSeconds(120), null);
        db().commands().claim(stuck.id(), "socket", now.minusSeconds(119));
        newProject();
        UUID second = project;
        task("h-3", "app", "default", "high", now.minusSeconds(300), Duration.ofSeconds(1), "celery@z");
        write(event("h-3", "task.failed", now.minusSeconds(200), Facts.of("task.failed").exception("x".repeat(700)),
                null, "celery@z"));

        Map<UUID, ProjectActivity> activity = reads().activity(List.of(first, second),
                now.minus(Duration.ofHours(24)), now);
        ProjectActivity a = activity.get(first);
        assertThat(a.tasksStarted()).isEqualTo(2);
        assertThat(a.tasksFailed()).isEqualTo(1);
        assertThat(a.workersOnline()).isEqualTo(1);
        assertThat(a.workersTotal()).isEqualTo(1);
        assertThat(a.agentsTotal()).isEqualTo(1);
        assertThat(a.agentsOnline()).isZero();
        assertThat(a.stuckCommands()).isEqualTo(1);
        assertThat(a.lastActivityAt()).isEqualTo(now.minusSeconds(400).plusSeconds(1)
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(activity.get(second).tasksFailed()).isEqualTo(1);
        assertThat(activity.get(second).stuckCommands()).isZero();

        List<FailureView> both = reads().recentFailures(List.of(first, second), null, 10);
        assertThat(both).extracting(FailureView::taskId).containsExactly("h-3", "h-1");
        FailureView newest = both.getFirst();
        assertThat(newest.projectId()).isEqualTo(second);
        assertThat(newest.exception()).hasSize(501);
        assertThat(newest.priority()).isEqualTo("high");
        assertThat(newest.workerName()).isEqualTo("celery@z");
        List<FailureView> page2 = reads().recentFailures(List.of(first, second),
                new Keys.Failure(newest.finishedAt(), newest.id()), 10);
        assertThat(page2).extracting(FailureView::taskId).containsExactly("h-1");
        assertThat(reads().recentFailures(List.of(first), null, 10)).extracting(FailureView::taskId)
                .containsExactly("h-1");
        assertThat(reads().recentFailures(List.of(), null, 10)).isEmpty();
    }

    // ------------------------------------------------------------------ brain-side writes and lookups

    @Test
    void bulkDeleteRemovesOnlyTheProjectsChosenRows() throws Exception {
        for (int i = 0; i < 5; i++) {
            task("del-" + i, i < 3 ? "app.cleanup" : "app.keep", "default", null, T0.plusSeconds(i),
                    Duration.ofSeconds(1), null);
        }
        UUID first = project;
        List<TaskView> rows = reads().tasks(TaskFilter.all(first), null, 10);
        newProject();
        task("del-0", "app.cleanup", "default", null, T0, Duration.ofSeconds(1), null);
        UUID otherRow = reads().task(project, "celery", "del-0").orElseThrow().id();

        assertThat(reads().deleteTasks(first, List.of(rows.get(0).id(), otherRow))).as("not another project's row")
                .isEqualTo(1);
        assertThat(reads().task(project, "celery", "del-0")).isPresent();
        assertThat(reads().deleteTasks(TaskFilter.all(first).withNameFolded("CLEANUP"), 2)).isEqualTo(2);
        assertThat(list(TaskFilter.all(first))).containsExactlyInAnyOrder(
                rows.stream().filter(t -> !t.id().equals(rows.get(0).id())).map(TaskView::taskId)
                        .filter(t -> !t.equals("del-2") && !t.equals("del-1")).toArray(String[]::new));
    }

    @Test
    void agentLookupsAndTaskRefsForCommands() throws Exception {
        assertThat(reads().agent(agent)).map(AgentRef::projectId).contains(project);
        assertThat(reads().newestOnlineAgent(project)).as("nothing online yet").isEmpty();
        UUID older = agent;
        UUID newer = db().directory().createAgent(project, "newer-" + UUID.randomUUID(), "hash-n-" + UUID.randomUUID()).id();
        for (UUID a : List.of(older, newer)) {
            db().directory().workerConnected(new Directory.WorkerHello(a, project, "w", "task", "bare", 1, T0, "2",
                    "1.6.7", "[\"celery\"]", "[]", "{}", "{}"), Instant.now());
        }
        assertThat(reads().newestOnlineAgent(project)).map(AgentRef::id).contains(newer);
        assertThat(reads().agent(newer).orElseThrow().online()).isTrue();

        task("ref-1", "app.one", "default", "high", T0, null, null);
        task("ref-2", "app.two", "default", null, T0, null, null);
        assertThat(reads().taskRefs(project, "celery", List.of("ref-1", "ref-2", "ref-missing")))
                .containsOnlyKeys("ref-1", "ref-2")
                .hasEntrySatisfying("ref-1", r -> {
                    assertThat(r.name()).isEqualTo("app.one");
                    assertThat(r.priority()).isEqualTo("high");
                });
    }
}
