package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.protocol.JsonWriter;
import dev.z4j.brain.protocol.Timestamps;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TaskEventSourceTest {
    private static final List<String> ORDER = List.of("task.received", "task.started", "task.succeeded");

    @Test
    void everyTaskRunsItsLifecycleInOrderAndAboutFivePercentFail() {
        TaskEventSource src = new TaskEventSource(Clock.systemUTC(), new SplittableRandom(11), "celery@w1");
        Map<String, Integer> stage = new HashMap<>();
        int finished = 0;
        int failed = 0;
        long bytes = 0;
        int nonFailures = 0;
        for (Map<String, Object> e : src.next(30_000)) {
            String task = (String) e.get("task_id");
            String kind = (String) e.get("kind");
            int at = stage.getOrDefault(task, 0);
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) e.get("data");
            if (kind.equals("task.failed")) {
                assertThat(at).isEqualTo(2);
                assertThat(((String) data.get("traceback")).length()).isBetween(700, 2100);
                failed++;
            } else {
                assertThat(kind).isEqualTo(ORDER.get(at));
                bytes += JsonWriter.wire(e).length;
                nonFailures++;
            }
            if (at == 2) {
                finished++;
            }
            stage.put(task, at + 1);
            assertThat(e.get("engine")).isEqualTo("celery");
            assertThat(data).containsKeys("task_name", "queue", "worker");
            Timestamps.parseAware((String) e.get("occurred_at"));
        }
        assertThat((double) failed / finished).isBetween(0.03, 0.07);
        assertThat(bytes / nonFailures).isBetween(300L, 600L);
    }
}
