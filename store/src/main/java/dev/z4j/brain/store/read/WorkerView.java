package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One engine worker (for example celery@host1). {@code succeeded}, {@code failed} and
 * {@code retried} count the task events that named it since its row exists; JSON-valued fields are
 * JSON text or null.
 */
public record WorkerView(UUID id, UUID projectId, String engine, String name, String hostname, Integer pid,
                         Integer concurrency, List<String> queues, String state, Instant lastHeartbeat,
                         String loadAverageJson, int activeTasks, long succeeded, long failed, long retried,
                         Instant createdAt, String metadataJson) {
    public WorkerView {
        queues = queues == null ? List.of() : List.copyOf(queues);
    }
}
