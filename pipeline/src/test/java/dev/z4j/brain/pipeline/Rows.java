package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds event rows for tests. */
final class Rows {
    static final UUID PROJECT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID AGENT = UUID.fromString("00000000-0000-0000-0000-0000000000a1");

    private Rows() {
    }

    static EventRow row() {
        return row(PROJECT, UUID.randomUUID());
    }

    static EventRow row(UUID project, UUID id) {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        return new EventRow(id, project, AGENT, "celery", "task-" + id, "task.succeeded", now, now, "{}",
                new TaskFacts("success", "app.add", null, null, null, "4", 12L, null, null, null, null, null),
                "default", "worker-1");
    }

    static List<EventRow> rows(int n) {
        List<EventRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(row());
        }
        return rows;
    }
}
