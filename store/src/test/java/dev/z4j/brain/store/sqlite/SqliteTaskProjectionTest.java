package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTaskProjectionTest {
    private static final Instant RECEIVED = SqliteFixture.T0;
    private static final Instant STARTED = RECEIVED.plusMillis(10);
    private static final Instant SUCCEEDED = RECEIVED.plusMillis(500);

    @TempDir
    Path home;

    private static List<List<Integer>> permutations(List<Integer> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<Integer>> out = new ArrayList<>();
        for (Integer first : items) {
            List<Integer> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<Integer> tail : permutations(rest)) {
                List<Integer> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }

    private static void assertSucceeded(Map<String, Object> task, String why) {
        assertThat(task).as(why)
                .containsEntry("state", "success")
                .containsEntry("name", "app.add")
                .containsEntry("queue", "default")
                .containsEntry("args", "[1,2]")
                .containsEntry("result", "3")
                .containsEntry("runtime_ms", 42L)
                .containsEntry("worker_name", "celery@host")
                .containsEntry("received_at", SqliteFixture.micros(RECEIVED))
                .containsEntry("started_at", SqliteFixture.micros(STARTED))
                .containsEntry("finished_at", SqliteFixture.micros(SUCCEEDED))
                .containsEntry("priority", "normal");
    }

    @Test
    void lifecycleInOneBatchEndsInSuccessWhateverTheArrivalOrder() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            int n = 0;
            for (List<Integer> order : permutations(List.of(0, 1, 2))) {
                String taskId = "one-batch-" + n++;
                List<EventRow> lifecycle = List.of(f.received(taskId, RECEIVED), f.started(taskId, STARTED), f.succeeded(taskId, SUCCEEDED));
                f.db.eventStore().write(order.stream().map(lifecycle::get).toList());
                assertSucceeded(f.task(taskId), "order " + order);
            }
        }
    }

    @Test
    void lifecycleAcrossBatchesEndsInSuccessWhateverTheArrivalOrder() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            int n = 0;
            for (List<Integer> order : permutations(List.of(0, 1, 2))) {
                String taskId = "batches-" + n++;
                List<EventRow> lifecycle = List.of(f.received(taskId, RECEIVED), f.started(taskId, STARTED), f.succeeded(taskId, SUCCEEDED));
                for (int i : order) {
                    f.db.eventStore().write(List.of(lifecycle.get(i)));
                }
                assertSucceeded(f.task(taskId), "order " + order);
            }
        }
    }

    @Test
    void aLateStartedAfterSucceededDoesNotRegressButStillRecordsItsFields() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(f.received("t", RECEIVED), f.succeeded("t", SUCCEEDED)));
            // Clock skew: the started event claims a time after the success.
            f.db.eventStore().write(List.of(f.started("t", SUCCEEDED.plusSeconds(5))));

            assertThat(f.task("t"))
                    .containsEntry("state", "success")
                    .containsEntry("worker_name", "celery@host")
                    .containsEntry("started_at", SqliteFixture.micros(SUCCEEDED.plusSeconds(5)));
        }
    }

    @Test
    void terminalStatesFollowTimeWithinTheirTier() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(f.failed("t", SUCCEEDED, "boom", "tb")));
            // An older success does not replace a newer failure, and its result is still recorded.
            f.db.eventStore().write(List.of(f.succeeded("t", RECEIVED)));
            assertThat(f.task("t")).containsEntry("state", "failure").containsEntry("result", "3");

            f.db.eventStore().write(List.of(f.succeeded("t", SUCCEEDED.plusSeconds(1))));
            assertThat(f.task("t")).containsEntry("state", "success")
                    .containsEntry("exception", null).containsEntry("traceback", null);
        }
    }

    @Test
    void aTerminalStateBeatsANewerNonTerminalOneInTheSameBatch() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(f.started("t", SUCCEEDED)));
            f.db.eventStore().write(List.of(f.succeeded("t", RECEIVED), f.started("t", SUCCEEDED.plusSeconds(1))));

            assertThat(f.task("t")).containsEntry("state", "success");
        }
    }

    @Test
    void failureTextIsCutAt8192Chars() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(f.failed("t", RECEIVED, "x".repeat(10_000), "y".repeat(8_193))));

            Map<String, Object> task = f.task("t");
            assertThat(task).containsEntry("state", "failure");
            assertThat((String) task.get("exception")).hasSize(8192).matches("x+");
            assertThat((String) task.get("traceback")).hasSize(8192);
        }
    }

    @Test
    void priorityIsNeverDowngradedByAnEventWithoutOne() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            TaskFacts high = new TaskFacts("received", "n", "high", null, null, null, null, null, null, null, null, null);
            f.db.eventStore().write(List.of(f.taskEvent("t", "task.received", RECEIVED, high)));
            f.db.eventStore().write(List.of(f.started("t", STARTED)));
            assertThat(f.task("t")).containsEntry("priority", "high").containsEntry("state", "started");

            TaskFacts bogus = new TaskFacts("retry", null, "urgent!", null, null, null, null, null, null, 2, null, null);
            f.db.eventStore().write(List.of(f.taskEvent("t", "task.retried", SUCCEEDED, bogus)));
            assertThat(f.task("t")).containsEntry("priority", "normal").containsEntry("state", "retry")
                    .containsEntry("retry_count", 2L);
        }
    }

    @Test
    void sentCreatesAPendingRowAndCanvasReferencesAreSanitised() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            TaskFacts sent = new TaskFacts(null, "app.add", null, null, null, null, null, null, null, null, "t", "root-1");
            f.db.eventStore().write(List.of(f.taskEvent("t", "task.sent", RECEIVED, sent)));

            assertThat(f.task("t")).containsEntry("state", "pending").containsEntry("name", "app.add")
                    .containsEntry("parent_task_id", null).containsEntry("root_task_id", "root-1")
                    .containsEntry("retry_count", 0L);
        }
    }

    @Test
    void aDuplicateEventDoesNotProjectAgain() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            EventRow started = f.started("t", STARTED);
            f.db.eventStore().write(List.of(started));
            f.db.eventStore().write(List.of(f.succeeded("t", SUCCEEDED)));
            f.execute("UPDATE tasks SET worker_name = 'changed'");

            f.db.eventStore().write(List.of(started));

            assertThat(f.task("t")).containsEntry("worker_name", "changed").containsEntry("state", "success");
        }
    }
}
