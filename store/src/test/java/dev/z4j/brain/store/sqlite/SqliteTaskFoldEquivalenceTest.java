package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch fold must give exactly the row that applying the same events one at a time (in
 * occurred_at order) gives, on top of any existing row: that is what makes collapsing safe.
 */
class SqliteTaskFoldEquivalenceTest {
    private static final Instant T0 = SqliteFixture.T0;

    @TempDir
    Path home;

    private static EventRow randomEvent(SqliteFixture f, Random random, String taskId) {
        Instant at = T0.plusSeconds(random.nextInt(6));
        String priority = random.nextInt(3) == 0 ? List.of("high", "low", "bogus").get(random.nextInt(3)) : null;
        Map.Entry<String, String> kind = List.of(
                Map.entry("task.received", "received"), Map.entry("task.started", "started"),
                Map.entry("task.succeeded", "success"), Map.entry("task.failed", "failure"),
                Map.entry("task.retried", "retry"), Map.entry("task.revoked", "revoked"),
                Map.entry("task.sent", "")).get(random.nextInt(7));
        String state = kind.getValue().isEmpty() ? null : kind.getValue();
        TaskFacts facts = new TaskFacts(state, "name-" + random.nextInt(3), priority,
                "[" + random.nextInt(9) + "]", null, "\"r" + random.nextInt(9) + "\"", (long) random.nextInt(99),
                "ex" + random.nextInt(9), "tb", random.nextInt(4), null, null);
        EventRow e = f.taskEvent(taskId, kind.getKey(), at, facts);
        return SqliteFixture.withWorker(SqliteFixture.withQueue(e, "q" + random.nextInt(3)), "w" + random.nextInt(3));
    }

    private static EventRow forTask(EventRow e, String taskId) {
        return new EventRow(java.util.UUID.randomUUID(), e.projectId(), e.agentId(), e.engine(), taskId, e.kind(),
                e.occurredAt(), e.receivedAt(), e.payloadJson(), e.task(), e.queue(), e.worker());
    }

    @Test
    void oneBatchEqualsOneEventAtATimeForRandomHistories() throws Exception {
        Random random = new Random(42);
        try (SqliteFixture f = new SqliteFixture(home)) {
            BiFunction<String, List<EventRow>, List<EventRow>> retarget = (id, events) ->
                    events.stream().map(e -> forTask(e, id)).toList();
            for (int n = 0; n < 150; n++) {
                List<EventRow> before = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    before.add(randomEvent(f, random, "x"));
                }
                List<EventRow> batch = new ArrayList<>();
                for (int i = 1 + random.nextInt(5); i > 0; i--) {
                    batch.add(randomEvent(f, random, "x"));
                }
                String batched = "batched-" + n;
                String single = "single-" + n;
                for (EventRow e : before) {
                    f.db.eventStore().write(List.of(forTask(e, batched)));
                    f.db.eventStore().write(List.of(forTask(e, single)));
                }
                f.db.eventStore().write(retarget.apply(batched, batch));
                List<EventRow> inOrder = new ArrayList<>(retarget.apply(single, batch));
                inOrder.sort(Comparator.comparing(EventRow::occurredAt));
                for (EventRow e : inOrder) {
                    f.db.eventStore().write(List.of(e));
                }

                assertThat(comparable(f.task(batched))).as("history %s then batch %s", kinds(before), kinds(batch))
                        .isEqualTo(comparable(f.task(single)));
            }
        }
    }

    private static List<String> kinds(List<EventRow> events) {
        return events.stream().map(e -> e.kind() + "@" + e.occurredAt().getEpochSecond() % 60).toList();
    }

    private static Map<String, Object> comparable(Map<String, Object> task) {
        Map<String, Object> copy = new java.util.TreeMap<>();
        task.forEach((k, v) -> {
            if (!List.of("id", "task_id", "created_at", "updated_at").contains(k)) {
                copy.put(k, v == null ? "<null>" : v);
            }
        });
        return copy;
    }
}
