package dev.z4j.brain.store;

import static dev.z4j.brain.store.Ev.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random event histories (out of order, retries, resends, duplicate ids with other content,
 * several agents, workers and queues, stale-worker sweeps, caps at their boundary) must leave
 * the same rows on PostgreSQL and SQLite, and the tasks the original one-event-at-a-time rules give.
 */
class TwoStoresAgreePropertiesTest {
    private static final String EMOJI = "\uD83D\uDE00";
    private static final String SELF = "<the task itself>";

    private static Path home;
    private static StoreTwins twins;

    @BeforeContainer
    static void open() throws IOException, StoreException {
        home = Files.createTempDirectory("z4j-twins");
        twins = StoreTwins.open(home);
    }

    @AfterContainer
    static void close() throws IOException {
        twins.close();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** What one generated event is made of, before ids are assigned. */
    record Spec(String kind, String taskId, int second, int nanos, int agent, String name, String priority,
                String args, String result, Long runtimeMs, String exception, String traceback, Integer retryCount,
                String parent, String queue, String worker, String payload, boolean sameIdAsPrevious) {

        Ev toEv(UUID id) {
            Instant at = T0.plusSeconds(second).plusNanos(nanos);
            boolean taskKind = kind.startsWith("task.");
            String tid = taskKind || (kind.equals("unknown") && second % 2 == 0) ? taskId : "";
            TaskFacts facts = taskKind ? Facts.of(kind).name(name).priority(priority).args(args).kwargs(args)
                    .result(result).runtimeMs(runtimeMs).exception(exception).traceback(traceback).retryCount(retryCount)
                    .parent(SELF.equals(parent) ? taskId : parent).root(parent == null ? null : "root-1").build() : null;
            return new Ev(id, agent, "celery", tid, kind, at, T0.plusSeconds(100), payload, facts, queue, worker);
        }

        @Override
        public String toString() {
            return kind + "(" + taskId + " @" + second + "s+" + nanos + "ns agent" + agent + " name=" + brief(name)
                    + " prio=" + priority + " exc=" + brief(exception) + " tb=" + brief(traceback) + " retry=" + retryCount
                    + " parent=" + brief(parent) + " q=" + brief(queue) + " w=" + brief(worker)
                    + (sameIdAsPrevious ? " SAME-ID" : "") + ")";
        }
    }

    /** A batch: picks from the event pool (repeats are resends), after an optional stale-worker sweep. */
    record Step(List<Integer> picks, Integer sweepAtSecond) {}

    record History(List<Spec> pool, List<Step> steps) {
        List<Ev> events() {
            List<Ev> events = new ArrayList<>();
            for (Spec s : pool) {
                UUID id = s.sameIdAsPrevious() && !events.isEmpty() ? events.getLast().id() : UUID.randomUUID();
                events.add(s.toEv(id));
            }
            return events;
        }
    }

    private static String brief(String s) {
        if (s == null || s.length() <= 12) {
            return s;
        }
        return s.substring(0, 3) + "...(" + s.codePointCount(0, s.length()) + " chars)";
    }

    @Provide
    Arbitrary<Spec> spec() {
        Arbitrary<String> kind = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just("task.received")), Tuple.of(4, Arbitraries.just("task.started")),
                Tuple.of(3, Arbitraries.just("task.succeeded")), Tuple.of(3, Arbitraries.just("task.failed")),
                Tuple.of(2, Arbitraries.just("task.retried")), Tuple.of(1, Arbitraries.just("task.revoked")),
                Tuple.of(1, Arbitraries.just("task.sent")), Tuple.of(1, Arbitraries.just("task.rejected")),
                Tuple.of(1, Arbitraries.of("worker.online", "worker.offline", "worker.heartbeat", "unknown")));
        Arbitrary<String> taskId = Arbitraries.of("t1", "t2", "t3");
        Arbitrary<Integer> second = Arbitraries.integers().between(0, 8);
        Arbitrary<Integer> nanos = Arbitraries.of(0, 1_500, 500_000_000, 999_999_999);
        Arbitrary<Integer> agent = Arbitraries.integers().between(0, StoreTwins.AGENTS - 1);
        Arbitrary<String> name = Arbitraries.of("app.a", "app.b", "n".repeat(499) + EMOJI + "more").injectNull(0.4);
        Arbitrary<String> priority = Arbitraries.of("high", "low", "CRITICAL", "bogus").injectNull(0.6);
        Arbitrary<String> args = Arbitraries.of("[1,2]", "{\"a\":1.50,\"b\":[true,null,\"" + EMOJI + "\"]}").injectNull(0.4);
        Arbitrary<String> result = Arbitraries.of("3", "{\"ok\":true}", "null").injectNull(0.4);
        Arbitrary<Long> runtime = Arbitraries.of(5L, 250L).injectNull(0.5);
        Arbitrary<String> exception = Arbitraries.of("ValueError: boom", "x".repeat(8191) + EMOJI + "y").injectNull(0.4);
        Arbitrary<String> traceback = Arbitraries.of("tb", "y".repeat(8192) + EMOJI).injectNull(0.4);
        Arbitrary<Integer> retry = Arbitraries.of(0, 1, 3).injectNull(0.5);
        Arbitrary<String> parent = Arbitraries.of("p1", SELF, "r".repeat(201)).injectNull(0.5);
        Arbitrary<String> queue = Arbitraries.of("q1", "q2", EMOJI.repeat(200), EMOJI.repeat(201)).injectNull(0.4);
        Arbitrary<String> worker = Arbitraries.of("w1", "w2", EMOJI.repeat(200), "").injectNull(0.4);
        Arbitrary<String> payload = Arbitraries.of("{}", "{\"k\":\"v\"}", "{\"n\":1.50,\"e\":\"" + EMOJI + "\"}");
        Arbitrary<Boolean> sameId = Arbitraries.integers().between(0, 9).map(i -> i == 0);

        Arbitrary<Spec> first = Combinators.combine(kind, taskId, second, nanos, agent, name, priority, args)
                .as((k, t, s, n, a, nm, p, ar) -> new Spec(k, t, s, n, a, nm, p, ar, null, null, null, null, null,
                        null, null, null, "{}", false));
        return Combinators.combine(first, result, runtime, exception, traceback, retry, parent, queue)
                .as((f, r, rt, ex, tb, rc, pa, q) -> new Spec(f.kind(), f.taskId(), f.second(), f.nanos(), f.agent(),
                        f.name(), f.priority(), f.args(), r, rt, ex, tb, rc, pa, q, null, "{}", false))
                .flatMap(s -> Combinators.combine(worker, payload, sameId)
                        .as((w, pl, same) -> new Spec(s.kind(), s.taskId(), s.second(), s.nanos(), s.agent(), s.name(),
                                s.priority(), s.args(), s.result(), s.runtimeMs(), s.exception(), s.traceback(),
                                s.retryCount(), s.parent(), s.queue(), w, pl, same)));
    }

    /**
     * Every pooled event arrives once, in a random order cut into batches at random points; some
     * positions add resends of random pool events, and some batches follow a stale-worker sweep.
     */
    @Provide
    Arbitrary<History> histories() {
        Arbitrary<List<Spec>> pools = spec().list().ofMinSize(3).ofMaxSize(18)
                .withSizeDistribution(RandomDistribution.uniform());
        return pools.flatMap(pool -> {
            int n = pool.size();
            Arbitrary<List<Integer>> order = Arbitraries.shuffle(IntStream.range(0, n).boxed().toList());
            Arbitrary<List<Boolean>> cutAfter = Arbitraries.integers().between(0, 2).map(i -> i == 0).list().ofSize(n);
            Arbitrary<List<List<Integer>>> resends = Arbitraries.integers().between(0, n - 1).list().ofMaxSize(2)
                    .injectNull(0.7).map(l -> l == null ? List.<Integer>of() : l).list().ofSize(n);
            Arbitrary<List<Integer>> sweeps = Arbitraries.integers().between(0, 10).injectNull(0.85).list().ofSize(n);
            return Combinators.combine(order, cutAfter, resends, sweeps).as((o, cut, re, sw) -> {
                List<Step> steps = new ArrayList<>();
                List<Integer> picks = new ArrayList<>();
                Integer sweep = null;
                for (int i = 0; i < n; i++) {
                    if (picks.isEmpty()) {
                        sweep = sw.get(i);
                    }
                    picks.add(o.get(i));
                    picks.addAll(re.get(i));
                    if (cut.get(i) || i == n - 1) {
                        steps.add(new Step(List.copyOf(picks), sweep));
                        picks.clear();
                    }
                }
                return new History(pool, steps);
            });
        });
    }

    @Property(tries = 100)
    void bothStoresEndWithTheSameRowsAndTheOneEventAtATimeTasks(@ForAll("histories") History history)
            throws StoreException {
        StoreTwins.Twin twin = twins.newProject();
        TaskModel model = new TaskModel();
        List<Ev> events = history.events();
        for (Step step : history.steps()) {
            if (step.sweepAtSecond() != null) {
                twins.markStaleOffline(T0.plusSeconds(step.sweepAtSecond()));
            }
            List<Ev> batch = step.picks().stream().map(events::get).toList();
            twins.write(twin, batch);
            model.write(batch);
        }
        twins.assertSameRows(twin);
        assertThat(twins.pgRows(twin, "tasks")).as("tasks against the one-event-at-a-time rules").isEqualTo(model.rows());
    }

    @Property(tries = 60)
    void oneBatchLeavesWhatItsEventsOneAtATimeInTimeOrderLeave(@ForAll("histories") History history)
            throws StoreException {
        List<Ev> events = history.events();
        List<Ev> batch = history.steps().stream().flatMap(s -> s.picks().stream()).map(events::get)
                .collect(Collectors.toCollection(ArrayList::new));
        StoreTwins.Twin together = twins.newProject();
        StoreTwins.Twin oneByOne = twins.newProject();
        twins.write(together, batch);
        Set<UUID> seen = new HashSet<>();
        List<Ev> firsts = new ArrayList<>(batch.stream().filter(e -> seen.add(e.id())).toList());
        firsts.sort(Comparator.comparing(e -> e.occurredAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
        for (Ev e : firsts) {
            twins.write(oneByOne, List.of(e));
        }
        twins.assertSameRows(together, oneByOne, Set.of("tasks", "workers", "queues", "events"));
    }
}
