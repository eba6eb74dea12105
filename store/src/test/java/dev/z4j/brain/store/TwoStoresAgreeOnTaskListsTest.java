package dev.z4j.brain.store;

import static dev.z4j.brain.store.Ev.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskView;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few hundred random tasks in both stores, then random filter combinations walked page by page:
 * each store must return exactly the tasks a plain-Java reading of the filter selects, each once,
 * in list order, and both stores the same sequence (tasks that share a sort key may come in either
 * order, since each database drew its own row ids).
 */
class TwoStoresAgreeOnTaskListsTest {
    private static final List<String> NAMES = List.of("app.tasks.SendEmail", "app.tasks.send_sms", "app.Resize",
            "billing.Charge", "Ärger.tasks");
    private static final List<String> QUEUES = List.of("default", "mail", "Images");
    private static final List<String> WORKERS = List.of("celery@host1", "celery@HOST2", "rq@box");
    private static final List<String> PRIORITIES = List.of("critical", "high", "normal", "low");
    // With a trigram ("mail", "TASK-1", ...) PostgreSQL reads a search from what matches it (names,
    // queues, workers, task ids; "mail" both a queue and task ids), without one ("Ä", "-1") it
    // walks the list: both must select the same tasks.
    private static final List<String> NEEDLES =
            List.of("mail", "HOST", "images", "ärger", "Ä", "-1", "charge", "TASK-1", "ail-2");

    @TempDir
    static Path home;
    static StoreTwins twins;
    static StoreTwins.Twin twin;
    static final Map<String, Model> tasks = new LinkedHashMap<>();

    /** What the test knows about one task it wrote. */
    record Model(String taskId, String name, String queue, String priority, String worker, Instant receivedAt,
                 Instant startedAt, String state) {}

    @BeforeAll
    static void writeRandomTasks() throws Exception {
        twins = StoreTwins.open(home);
        twin = twins.newProject();
        Random random = new Random(7);
        List<Ev> batch = new ArrayList<>();
        Instant previousStart = null;
        for (int i = 0; i < 300; i++) {
            String taskId = (random.nextInt(4) == 0 ? "MAIL-" : "task-") + i;
            String name = NAMES.get(random.nextInt(NAMES.size()));
            String queue = QUEUES.get(random.nextInt(QUEUES.size()));
            String priority = random.nextInt(3) == 0 ? null : PRIORITIES.get(random.nextInt(PRIORITIES.size()));
            Instant received = T0.plusSeconds(random.nextInt(3600)).plusNanos(random.nextInt(1000) * 1000L);
            boolean started = random.nextInt(4) != 0;
            // one in eight starts exactly with the previous one: ties are broken by row id
            Instant start = !started ? null : previousStart != null && random.nextInt(8) == 0 ? previousStart
                    : received.plusMillis(random.nextInt(5000));
            String worker = started ? WORKERS.get(random.nextInt(WORKERS.size())) : null;
            // a tied start can be older than this task's receipt: then received is its latest state
            String state = started && !start.isBefore(received) ? "started" : "received";
            batch.add(Ev.task(taskId, "task.received", received,
                    Facts.of("task.received").name(name).priority(priority).build()).withQueue(queue));
            if (started) {
                previousStart = start;
                batch.add(Ev.task(taskId, "task.started", start, Facts.of("task.started").build()).withWorker(worker));
                if (random.nextInt(3) == 0) {
                    state = random.nextBoolean() ? "success" : "failure";
                    batch.add(Ev.task(taskId, state.equals("success") ? "task.succeeded" : "task.failed",
                            start.plusSeconds(2), Facts.of(state.equals("success") ? "task.succeeded" : "task.failed")
                                    .build()));
                }
            }
            tasks.put(taskId, new Model(taskId, name, queue, priority == null ? "normal" : priority, worker, received,
                    start, state));
            if (batch.size() > 200) {
                twins.write(twin, batch);
                batch.clear();
            }
        }
        twins.write(twin, batch);
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    @Test
    void randomFiltersSelectTheSameRowsInTheSameOrderOnBothStores() throws Exception {
        Random random = new Random(11);
        for (int n = 0; n < 60; n++) {
            Filter f = randomFilter(random);
            assertBothStoresSelect(f, 1 + random.nextInt(40));
        }
    }

    /**
     * Both stores walk exactly the tasks the model selects for {@code f}, each once, in list order,
     * and the same sequence; returns how many tasks that is.
     */
    private static int assertBothStoresSelect(Filter f, int pageSize) throws StoreException {
        List<String> expected = tasks.values().stream().filter(f.model()).map(Model::taskId).toList();
        List<TaskView> onPg = walk(twins.pgReads(), f.on(twin.pgProject()), pageSize);
        List<TaskView> onSqlite = walk(twins.sqliteReads(), f.on(twin.sqliteProject()), pageSize);
        for (List<TaskView> walked : List.of(onPg, onSqlite)) {
            List<String> ids = walked.stream().map(TaskView::taskId).toList();
            assertThat(ids).as("%s, pages of %d", f, pageSize).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(walked).as("list order of %s", f).isSortedAccordingTo(LIST_ORDER_IGNORING_IDS);
        }
        assertThat(canonical(onSqlite)).as("%s, SQLite vs PostgreSQL", f).isEqualTo(canonical(onPg));
        return expected.size();
    }

    /**
     * Every search needle alone and with two priorities (no filter with an index of its own, so a
     * needle with a trigram is read from its matches on PostgreSQL), paged small and large.
     */
    @Test
    void everySearchSelectsTheSameRowsInTheSameOrderOnBothStores() throws Exception {
        int matched = 0;
        for (String needle : NEEDLES) {
            for (List<String> priorities : List.of(List.<String>of(), List.of("high", "low"))) {
                Filter f = new Filter(null, priorities, null, needle, null, null, null, null);
                int selected = assertBothStoresSelect(f, 7);
                assertBothStoresSelect(f, 50);
                matched += selected == 0 ? 0 : 1;
            }
        }
        // only "ärger" (nothing but A-Z is folded) matches no task
        assertThat(matched).as("needle and priority pairs with matching tasks").isEqualTo(2 * NEEDLES.size() - 2);
    }

    private static final Comparator<TaskView> LIST_ORDER_IGNORING_IDS = Comparator.comparing(
            TaskView::startedAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed();

    /** The walk with each run of equal sort keys as a sorted set of task ids. */
    private static List<Object> canonical(List<TaskView> walked) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        while (i < walked.size()) {
            Instant key = walked.get(i).startedAt();
            TreeSet<String> group = new TreeSet<>();
            while (i < walked.size() && java.util.Objects.equals(walked.get(i).startedAt(), key)) {
                group.add(walked.get(i++).taskId());
            }
            out.add(group);
        }
        return out;
    }

    private static List<TaskView> walk(OperatorReads reads, TaskFilter filter, int pageSize) throws StoreException {
        List<TaskView> seen = new ArrayList<>();
        Keys.Task after = null;
        while (true) {
            List<TaskView> page = reads.tasks(filter, after, pageSize);
            seen.addAll(page);
            if (page.size() < pageSize) {
                return seen;
            }
            after = Keys.Task.of(page.getLast());
        }
    }

    /** A filter as the store takes it and as plain Java reads it. */
    record Filter(String state, List<String> priorities, String name, String search, String queue, String worker,
                  Instant since, Instant until) {
        TaskFilter on(UUID project) {
            return TaskFilter.all(project).withState(state).withPriorities(priorities).withName(name)
                    .withSearch(search).withQueue(queue).withWorker(worker).withSince(since).withUntil(until);
        }

        Predicate<Model> model() {
            return t -> (state == null || state.equals(t.state()))
                    && (priorities.isEmpty() || priorities.contains(t.priority()))
                    && (name == null || t.name().contains(name))
                    && (search == null || foldedContains(t.name(), search) || foldedContains(t.queue(), search)
                        || foldedContains(t.worker(), search) || foldedContains(t.taskId(), search))
                    && (queue == null || queue.equals(t.queue()))
                    && (worker == null || worker.equals(t.worker()))
                    && (since == null || !t.receivedAt().isBefore(since))
                    && (until == null || !t.receivedAt().isAfter(until));
        }

        private static boolean foldedContains(String haystack, String needle) {
            return haystack != null && ascii(haystack).contains(ascii(needle));
        }

        private static String ascii(String s) {
            StringBuilder b = new StringBuilder(s);
            for (int i = 0; i < b.length(); i++) {
                char c = b.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    b.setCharAt(i, (char) (c + 32));
                }
            }
            return b.toString();
        }
    }

    private static Filter randomFilter(Random r) {
        String state = r.nextInt(3) == 0 ? List.of("received", "started", "success", "failure").get(r.nextInt(4)) : null;
        List<String> priorities = r.nextInt(3) == 0
                ? PRIORITIES.stream().filter(p -> r.nextBoolean()).toList() : List.of();
        String name = r.nextInt(4) == 0 ? List.of("tasks.S", "send", "Resize", "Ärger").get(r.nextInt(4)) : null;
        String search = r.nextInt(3) == 0 ? NEEDLES.get(r.nextInt(NEEDLES.size())) : null;
        String queue = r.nextInt(5) == 0 ? QUEUES.get(r.nextInt(QUEUES.size())) : null;
        String worker = r.nextInt(6) == 0 ? WORKERS.get(r.nextInt(WORKERS.size())) : null;
        Instant since = r.nextInt(4) == 0 ? T0.plusSeconds(r.nextInt(1800)) : null;
        Instant until = r.nextInt(4) == 0 ? T0.plusSeconds(1800 + r.nextInt(1800)) : null;
        return new Filter(state, priorities, name, search, queue, worker, since, until);
    }
}
