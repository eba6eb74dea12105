package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.time.Instant;
import java.util.UUID;

/**
 * Several events of one task within a batch, folded in occurred_at order into one row for the
 * set-wise upsert. It keeps exactly what the SQL needs to reproduce applying the events one by
 * one (docs/ARCHITECTURE.md, "Task projection"): informational fields are last-writer-wins, and for the state the
 * last terminal event (or else the last non-terminal one) plus the first terminal event, because
 * a terminal state beats a non-terminal row even when it is older than the row's lifecycle.
 */
final class TaskUpdate {
    static final int MAX_TEXT = 8192;

    final UUID projectId;
    final String engine;
    final String taskId;
    String name;
    String queue;
    String lastState;
    Instant lastStateAt;
    String firstTerminalState;
    String priority;
    String argsJson;
    String kwargsJson;
    String resultJson;
    Long runtimeMs;
    String exception;
    String traceback;
    boolean clearFailure;
    Integer retryCount;
    Instant receivedAt;
    Instant startedAt;
    Instant finishedAt;
    String workerName;
    String parentTaskId;
    String rootTaskId;

    TaskUpdate(UUID projectId, String engine, String taskId) {
        this.projectId = projectId;
        this.engine = engine;
        this.taskId = taskId;
    }

    static boolean isTerminal(String state) {
        return "success".equals(state) || "failure".equals(state) || "revoked".equals(state);
    }

    /** Folds the next event of this task; callers apply events in occurred_at order. */
    void apply(EventRow row) {
        TaskFacts f = row.task();
        Instant at = row.occurredAt();
        name = firstNonNull(cut(f.name(), 500), name);
        queue = firstNonNull(cut(row.queue(), 200), queue);
        priority = firstNonNull(f.priority(), priority);
        retryCount = firstNonNull(f.retryCount(), retryCount);
        String state = f.state();
        if (state != null) {
            if (isTerminal(state)) {
                if (firstTerminalState == null) {
                    firstTerminalState = state;
                }
                lastState = state;
                lastStateAt = at;
            } else if (firstTerminalState == null) {
                lastState = state;
                lastStateAt = at;
            }
            switch (state) {
                case "received" -> {
                    receivedAt = at;
                    argsJson = firstNonNull(f.argsJson(), argsJson);
                    kwargsJson = firstNonNull(f.kwargsJson(), kwargsJson);
                    parentTaskId = firstNonNull(f.parentTaskId(), parentTaskId);
                    rootTaskId = firstNonNull(f.rootTaskId(), rootTaskId);
                }
                case "started" -> {
                    startedAt = at;
                    workerName = firstNonNull(cut(row.worker(), 200), workerName);
                    argsJson = firstNonNull(f.argsJson(), argsJson);
                    kwargsJson = firstNonNull(f.kwargsJson(), kwargsJson);
                }
                case "success" -> {
                    finishedAt = at;
                    resultJson = firstNonNull(f.resultJson(), resultJson);
                    runtimeMs = firstNonNull(f.runtimeMs(), runtimeMs);
                    exception = null;
                    traceback = null;
                    clearFailure = true;
                }
                case "failure" -> {
                    finishedAt = at;
                    exception = cut(f.exception(), MAX_TEXT);
                    traceback = cut(f.traceback(), MAX_TEXT);
                    clearFailure = false;
                }
                case "revoked" -> finishedAt = at;
                default -> { } // retry and others carry only retry_count, handled above
            }
        }
    }

    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max; // never split a pair
        return s.substring(0, end);
    }

    private static <T> T firstNonNull(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
