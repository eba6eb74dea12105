package dev.z4j.brain.store;

import static dev.z4j.brain.store.Ev.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same event sequences, fed to PostgreSQL and to SQLite, must leave the same tasks, workers,
 * queues, events and agent sightings, column by column; each test also pins what the rows must be.
 */
class TwoStoresAgreeTest {
    private static final String EMOJI = "\uD83D\uDE00"; // one character, two UTF-16 units

    @TempDir
    static Path home;
    static StoreTwins twins;
    StoreTwins.Twin twin;

    @BeforeAll
    static void open() throws StoreException {
        twins = StoreTwins.open(home);
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    @BeforeEach
    void newProject() throws StoreException {
        twin = twins.newProject();
    }

    private void write(Ev... batch) throws StoreException {
        twins.write(twin, List.of(batch));
    }

    private Map<String, Object> task(String taskId) {
        twins.assertSameRows(twin);
        return twins.pgTask(twin, taskId);
    }

    private static Ev received(String taskId, Instant at) {
        return Ev.task(taskId, "task.received", at,
                Facts.of("task.received").name("app.add").args("[1,2]").kwargs("{\"x\":1}").priority("high")
                        .parent("parent-1").root("root-1").build()).withQueue("default");
    }

    private static Ev started(String taskId, Instant at, String worker) {
        return Ev.task(taskId, "task.started", at, Facts.of("task.started").build()).withWorker(worker);
    }

    private static Ev succeeded(String taskId, Instant at) {
        return Ev.task(taskId, "task.succeeded", at, Facts.of("task.succeeded").result("{\"n\":3}").runtimeMs(42L).build());
    }

    private static Ev failed(String taskId, Instant at, String exception, String traceback) {
        return Ev.task(taskId, "task.failed", at,
                Facts.of("task.failed").exception(exception).traceback(traceback).build());
    }

    private static Ev retried(String taskId, Instant at, int count) {
        return Ev.task(taskId, "task.retried", at, Facts.of("task.retried").retryCount(count).build());
    }

    @Test
    void aFailureWithoutAnExceptionClearsTheEarlierFailuresText() throws Exception {
        write(received("t", T0));
        write(failed("t", T0.plusSeconds(1), "ValueError: first attempt", "tb 1"));
        write(retried("t", T0.plusSeconds(2), 1), started("t", T0.plusSeconds(3), "celery@w1"));
        write(failed("t", T0.plusSeconds(4), null, null));

        // The second failure says nothing about why: showing the first one's reason would mislead.
        assertThat(task("t")).containsEntry("state", "failure").containsEntry("exception", null)
                .containsEntry("traceback", null).containsEntry("retry_count", 1L)
                .containsEntry("finished_at", T0.plusSeconds(4));
    }

    @Test
    void aSuccessClearsFailureTextAndAnOlderFailureStillWritesItsOwn() throws Exception {
        write(received("t", T0), failed("t", T0.plusSeconds(1), "KeyError", "tb"));
        write(succeeded("t", T0.plusSeconds(5)));
        assertThat(task("t")).containsEntry("state", "success").containsEntry("exception", null)
                .containsEntry("traceback", null);

        // Out of order: an older failure does not beat the newer success (same tier), but its
        // informational fields are written all the same.
        write(failed("t", T0.plusSeconds(3), "late", "late tb"));
        assertThat(task("t")).containsEntry("state", "success").containsEntry("exception", "late")
                .containsEntry("finished_at", T0.plusSeconds(5));
    }

    @Test
    void aLifecycleEndsInSuccessWhateverTheArrivalOrderAndBatchSplit() throws Exception {
        int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int split = 0; split <= 3; split++) {
            for (int[] order : orders) {
                String taskId = "t-" + split + "-" + order[0] + order[1] + order[2];
                List<Ev> lifecycle = List.of(received(taskId, T0), started(taskId, T0.plusMillis(10), "celery@w1"),
                        succeeded(taskId, T0.plusMillis(500)));
                List<Ev> arrival = new ArrayList<>();
                for (int i : order) {
                    arrival.add(lifecycle.get(i));
                }
                // split 0: one batch; 1..2: two batches cut there; 3: one event per batch
                if (split == 0) {
                    twins.write(twin, arrival);
                } else if (split == 3) {
                    for (Ev e : arrival) {
                        twins.write(twin, List.of(e));
                    }
                } else {
                    twins.write(twin, arrival.subList(0, split));
                    twins.write(twin, arrival.subList(split, 3));
                }
            }
        }
        twins.assertSameRows(twin);
        for (Map<String, Object> t : twins.pgRows(twin, "tasks")) {
            assertThat(t).as(t.get("task_id").toString()).containsEntry("state", "success")
                    .containsEntry("name", "app.add").containsEntry("queue", "default").containsEntry("priority", "high")
                    .containsEntry("args", List.of("1", "2")).containsEntry("result", Map.of("n", "3"))
                    .containsEntry("runtime_ms", 42L).containsEntry("worker_name", "celery@w1")
                    .containsEntry("parent_task_id", "parent-1").containsEntry("root_task_id", "root-1")
                    .containsEntry("received_at", T0).containsEntry("started_at", T0.plusMillis(10))
                    .containsEntry("finished_at", T0.plusMillis(500));
        }
    }

    @Test
    void stateFollowsTierAndTimeAcrossBatches() throws Exception {
        write(started("t", T0.plusSeconds(10), null));
        write(received("t", T0.plusSeconds(5))); // older, same tier: refused
        assertThat(task("t")).containsEntry("state", "started");
        write(retried("t", T0.plusSeconds(11), 2));
        assertThat(task("t")).containsEntry("state", "retry");
        write(failed("t", T0.plusSeconds(1), "E", "tb")); // terminal beats non-terminal whatever the time
        assertThat(task("t")).containsEntry("state", "failure");
        write(started("t", T0.plusSeconds(30), "celery@late")); // never back to non-terminal
        assertThat(task("t")).containsEntry("state", "failure").containsEntry("worker_name", "celery@late");
        // In one batch: an old revoke (fails the time test) then a newer success (passes).
        write(Ev.task("t", "task.revoked", T0, Facts.of("task.revoked").build()), succeeded("t", T0.plusSeconds(40)));
        assertThat(task("t")).containsEntry("state", "success");
    }

    @Test
    void anOldTerminalBatchStillBeatsANonTerminalRowWithItsFirstTerminalState() throws Exception {
        write(started("t", T0.plusSeconds(10), "celery@w1"));
        // Both terminal events are older than the row's lifecycle: the first one still replaces
        // the non-terminal state, the second (same tier, older) cannot replace the first.
        write(Ev.task("t", "task.revoked", T0.plusSeconds(1), Facts.of("task.revoked").build()),
                failed("t", T0.plusSeconds(2), "E", "tb"));
        assertThat(task("t")).containsEntry("state", "revoked");
    }

    @Test
    void lifecycleTimesNeverMoveBackwards() throws Exception {
        write(received("t", T0.plusSeconds(5)), started("t", T0.plusSeconds(6), "w"));
        // A redelivery (another event id) reports older times.
        write(received("t", T0.plusSeconds(1)), started("t", T0.plusSeconds(2), "w"));

        assertThat(task("t")).containsEntry("received_at", T0.plusSeconds(5))
                .containsEntry("started_at", T0.plusSeconds(6)).containsEntry("state", "started");
    }

    @Test
    void aClockFarAheadCannotLockATask() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        write(received("t", now.plus(1, ChronoUnit.HOURS))); // skewed agent clock
        write(started("t", now.plusSeconds(60), "w")); // not older than the lifecycle capped at now
        assertThat(task("t")).containsEntry("state", "started");
    }

    @Test
    void resendsAndDuplicatesProjectOnce() throws Exception {
        Ev first = retried("t", T0, 1);
        Ev later = retried("t", T0.plusSeconds(1), 5);
        write(received("t", T0.minusSeconds(1)), first);
        write(later);
        // A resent batch, and the same id twice in one batch with other content: only the first
        // copy of an id counts, and nothing projects again.
        Ev done = succeeded("t", T0.plusSeconds(2));
        boolean[] inserted = twins.write(twin, List.of(first, later.withPayload("{\"other\":true}"),
                first.withPayload("{\"second\":1}"), done, done.withPayload("{\"again\":1}")));
        assertThat(inserted).containsExactly(false, false, false, true, false);
        Ev fanOut = failed("u", T0, "E", "tb");
        inserted = twins.write(twin, List.of(fanOut, fanOut.withPayload("{\"from\":\"agent 2\"}").fromAgent(1)));
        assertThat(inserted).containsExactly(true, false);

        assertThat(task("t")).containsEntry("retry_count", 5L).containsEntry("state", "success");
        List<Map<String, Object>> events = twins.pgRows(twin, "events");
        assertThat(events).hasSize(5);
        assertThat(events).filteredOn(e -> e.get("id").equals(fanOut.id().toString())).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("payload", Map.of("k", "v")).containsEntry("agent_id", "agent-0"));
    }

    @Test
    void anOldEventDoesNotBringAStaleWorkerBackOnline() throws Exception {
        write(Ev.worker("worker.online", "celery@w1", T0), Ev.worker("worker.heartbeat", "celery@w2", T0));
        twins.markStaleOffline(T0.plusSeconds(30));
        assertThat(twins.pgRows(twin, "workers")).extracting(w -> w.get("state")).containsOnly("offline");

        // A replayed buffer: events older than the last heartbeat say nothing about now.
        write(started("t", T0.minusSeconds(5), "celery@w1"), Ev.worker("worker.offline", "celery@w1", T0.minusSeconds(1)));
        twins.assertSameRows(twin);
        assertThat(twins.pgRows(twin, "workers")).extracting(w -> w.get("state")).containsOnly("offline");

        write(Ev.worker("worker.heartbeat", "celery@w1", T0.plusSeconds(40)));
        twins.assertSameRows(twin);
        assertThat(twins.pgRows(twin, "workers"))
                .anySatisfy(w -> assertThat(w).containsEntry("name", "celery@w1").containsEntry("state", "online")
                        .containsEntry("last_heartbeat", T0.plusSeconds(40)))
                .anySatisfy(w -> assertThat(w).containsEntry("name", "celery@w2").containsEntry("state", "offline")
                        .containsEntry("last_heartbeat", T0));
    }

    @Test
    void queuesKeepTheirLatestSightingAndTasksTheirLatestQueue() throws Exception {
        write(received("a", T0.plusSeconds(5)).withQueue("q1"), received("b", T0).withQueue("q2"));
        write(started("a", T0.plusSeconds(2), "w").withQueue("q2")); // older sighting of q2 for a newer one
        write(Ev.task("a", "task.sent", T0.plusSeconds(1), Facts.of("task.sent").build()).withQueue("q3"));

        twins.assertSameRows(twin);
        assertThat(twins.pgRows(twin, "queues"))
                .extracting(q -> q.get("name") + "@" + q.get("last_seen_at"))
                .containsExactly("q1@" + T0.plusSeconds(5), "q2@" + T0.plusSeconds(2), "q3@" + T0.plusSeconds(1));
        // The task takes the queue of each batch's latest event that names one, batch after batch.
        assertThat(task("a")).containsEntry("queue", "q3");
    }

    @Test
    void theStoreAppliesCapsAndTaskRulesWhateverTheCaller() throws Exception {
        String name = "n".repeat(499) + EMOJI + "tail";
        String exception = "x".repeat(8191) + EMOJI + "tail";
        String queue = EMOJI.repeat(200); // 200 characters: fits varchar(200)
        write(Ev.task("t", "task.received", T0, Facts.of("task.received").name(name).priority("URGENT")
                        .parent("t").root("r".repeat(201)).build()).withQueue(queue),
                failed("t", T0.plusSeconds(1), exception, "tb").withQueue(EMOJI.repeat(201)));

        // Long values compare by length and digest (StoreTwins.text), as exactly as by value.
        assertThat(task("t")).containsEntry("name", StoreTwins.text("n".repeat(499) + EMOJI))
                .containsEntry("exception", StoreTwins.text("x".repeat(8191) + EMOJI))
                .containsEntry("priority", "normal")
                .containsEntry("parent_task_id", null) // a task cannot be its own parent
                .containsEntry("root_task_id", null) // too long: dropped, not cut
                .containsEntry("queue", StoreTwins.text(queue)); // the 201-character one was dropped
        assertThat(twins.pgRows(twin, "queues")).extracting(q -> q.get("name")).containsExactly(StoreTwins.text(queue));
    }

    @Test
    void valuesAtEveryCapFitBothSchemas() throws Exception {
        // Caps count characters, as varchar(n) and SQLite's length() do: values exactly at the cap,
        // made of two-unit characters, must be accepted by both databases and stored whole.
        String engine = EMOJI.repeat(FieldCaps.ENGINE);
        String taskId = EMOJI.repeat(FieldCaps.TASK_ID);
        String reference = "r" + EMOJI.repeat(FieldCaps.REFERENCE - 1); // not the task id: no self-reference
        TaskFacts facts = Facts.of("task.received").name(EMOJI.repeat(FieldCaps.TASK_NAME))
                .parent(reference).root(reference).build();
        Ev e = new Ev(java.util.UUID.randomUUID(), 0, engine, taskId, EMOJI.repeat(FieldCaps.KIND), T0, T0,
                "{}", facts, reference, reference);
        Ev started = new Ev(java.util.UUID.randomUUID(), 0, engine, taskId, "task.started", T0.plusSeconds(1),
                T0.plusSeconds(1), "{}", Facts.of("task.started").build(), null, reference);
        write(e, started);

        twins.assertSameRows(twin);
        assertThat(twins.pgRows(twin, "tasks")).singleElement().satisfies(t -> assertThat(t)
                .containsEntry("engine", StoreTwins.text(engine)).containsEntry("task_id", StoreTwins.text(taskId))
                .containsEntry("name", StoreTwins.text(EMOJI.repeat(FieldCaps.TASK_NAME)))
                .containsEntry("queue", StoreTwins.text(reference)).containsEntry("worker_name", StoreTwins.text(reference))
                .containsEntry("parent_task_id", StoreTwins.text(reference))
                .containsEntry("root_task_id", StoreTwins.text(reference)));
        assertThat(twins.pgRows(twin, "workers")).extracting(w -> w.get("name")).containsExactly(StoreTwins.text(reference));
        assertThat(twins.pgRows(twin, "events")).extracting(r -> r.get("kind"))
                .contains(StoreTwins.text(EMOJI.repeat(FieldCaps.KIND)));
    }

    @Test
    void subMicrosecondTimesLandTheSameOnBoth() throws Exception {
        Instant at = T0.plusNanos(1_500); // 1.5 us: rounding would make 2 us, truncation 1 us
        write(received("t", at).receivedAt(at.plusSeconds(1)));
        assertThat(task("t")).containsEntry("received_at", T0.plusNanos(1_000));
        assertThat(twins.pgRows(twin, "events")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("occurred_at", T0.plusNanos(1_000))
                        .containsEntry("received_at", T0.plusSeconds(1).plusNanos(1_000)));
    }

    @Test
    void anAgentIsSeenByAResentBatchToo() throws Exception {
        Ev e = received("t", T0).receivedAt(T0.plusSeconds(1));
        write(e);
        write(e.receivedAt(T0.plusSeconds(9)).fromAgent(1)); // resent through the other agent

        twins.assertSameRows(twin);
        assertThat(twins.pgRows(twin, "agents")).extracting(a -> a.get("id") + "@" + a.get("last_seen_at"))
                .containsExactlyInAnyOrder("agent-0@" + T0.plusSeconds(1), "agent-1@" + T0.plusSeconds(9));
    }
}
