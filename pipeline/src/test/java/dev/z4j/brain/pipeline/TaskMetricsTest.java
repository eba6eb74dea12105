package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Task metrics count what a commit stored, with a bounded set of task name labels per project. */
class TaskMetricsTest {
    private static EventRow named(String name, String state, Long runtimeMs) {
        EventRow r = Rows.row();
        return new EventRow(r.id(), r.projectId(), r.agentId(), r.engine(), r.taskId(), r.kind(), r.occurredAt(),
                r.receivedAt(), r.payloadJson(), new TaskFacts(state, name, null, null, null, null, runtimeMs, null,
                        null, null, null, null), r.queue(), r.worker());
    }

    private static double tasks(SimpleMeterRegistry meters, String name, String state) {
        Counter c = meters.find(TaskMetrics.TASKS).tag("project", Rows.PROJECT.toString()).tag("task_name", name)
                .tag("state", state).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void onlyStoredRowsCountAndNamesBeyondTheCapAreOther() {
        FakeEventStore store = new FakeEventStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaskMetrics metrics = new TaskMetrics(meters, 2);
        try (IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).meterRegistry(meters)
                .insertedRowListener(metrics).build()) {
            RecordingAckTarget target = new RecordingAckTarget();
            EventRow a = named("app.a", "success", 250L);
            EventRow b = named("app.b", "failure", null);
            pipeline.publish(target, "first", 2, List.of(a, b));
            // a resend of a (stored already) and two more names: the third distinct name is "other"
            pipeline.publish(target, "second", 3, List.of(a, named("app.c", "success", 1L), named("app.d", "received", null)));
            pipeline.publish(target, "third", 1, List.of(named("app.a", "success", 3_000L)));
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 3);
        }
        assertThat(tasks(meters, "app.a", "success")).isEqualTo(2.0);
        assertThat(tasks(meters, "app.b", "failure")).isEqualTo(1.0);
        assertThat(tasks(meters, TaskMetrics.OTHER, "success")).isEqualTo(1.0);
        assertThat(tasks(meters, TaskMetrics.OTHER, "received")).isEqualTo(1.0);
        assertThat(meters.find(TaskMetrics.TASKS).tag("task_name", "app.c").counter()).isNull();
        Timer runtime = meters.find(TaskMetrics.DURATION).tag("task_name", "app.a").timer();
        assertThat(runtime.count()).isEqualTo(2);
        assertThat(runtime.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(3_250.0);
    }

    @Test
    void longNamesAreCutAndEventsWithoutAStateCountNothing() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaskMetrics metrics = new TaskMetrics(meters, 10);
        metrics.inserted(named("n".repeat(300), "started", null));
        metrics.inserted(named("app.sent", null, null));
        EventRow plain = new EventRow(UUID.randomUUID(), Rows.PROJECT, UUID.randomUUID(), "celery", "", "worker.online",
                Rows.row().occurredAt(), Rows.row().receivedAt(), "{}", null, null, "w");
        metrics.inserted(plain);
        assertThat(tasks(meters, "n".repeat(128), "started")).isEqualTo(1.0);
        assertThat(meters.find(TaskMetrics.TASKS).counters()).hasSize(1);
    }
}
