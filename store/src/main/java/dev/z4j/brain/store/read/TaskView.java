package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One task row as the operator API shows it; JSON-valued fields are JSON text (null when absent). */
public record TaskView(UUID id, UUID projectId, String engine, String taskId, String name, String queue, String state,
                       String priority, String argsJson, String kwargsJson, String resultJson, String exception,
                       String traceback, int retryCount, Instant eta, Instant receivedAt, Instant startedAt,
                       Instant finishedAt, Long runtimeMs, String workerName, String parentTaskId, String rootTaskId,
                       List<String> tags, Instant createdAt, Instant updatedAt) {
    public TaskView {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
