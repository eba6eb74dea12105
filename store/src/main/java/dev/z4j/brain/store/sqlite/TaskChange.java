package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The net effect of one batch's events on one task (docs/ARCHITECTURE.md, "Task projection"), folded in occurred_at
 * order so the database sees one upsert per task.
 *
 * <p>The fold is exact because lifecycle timestamps (received_at, started_at, finished_at) only
 * move forward: then, with events sorted by time, an event passes the same-tier time test against
 * the row as it is after the earlier events iff it passes against the row before the batch. So the
 * state outcome needs only the first terminal, the last terminal and the last non-terminal state.
 */
final class TaskChange {
    static final int MAX_FAILURE_TEXT = 8192;
    static final int MAX_NAME = 500;
    static final int MAX_REFERENCE = 200;
    private static final Set<String> TERMINAL = Set.of("success", "failure", "revoked");
    private static final Set<String> NON_TERMINAL = Set.of("received", "started", "retry");
    private static final Set<String> PRIORITIES = Set.of("critical", "high", "normal", "low");

    record Key(UUID projectId, String engine, String taskId) {}

    final Key key;
    String name;
    String queue;
    String priority;
    String argsJson;
    String kwargsJson;
    String resultJson;
    Long runtimeMs;
    boolean failureFieldsSet;
    String exception;
    String traceback;
    Integer retryCount;
    Long receivedAt;
    Long startedAt;
    Long finishedAt;
    String workerName;
    String parentTaskId;
    String rootTaskId;
    String firstTerminalState;
    String lastTerminalState;
    Long lastTerminalAt;
    String lastNonTerminalState;
    Long lastNonTerminalAt;

    private TaskChange(Key key) {
        this.key = key;
    }

    /** Folds the task events among {@code rows}; rows without task facts or task id are skipped. */
    static List<TaskChange> collapse(List<EventRow> rows) {
        Map<Key, List<EventRow>> byTask = new LinkedHashMap<>();
        for (EventRow row : rows) {
            if (row.task() != null && !row.taskId().isEmpty()) {
                byTask.computeIfAbsent(new Key(row.projectId(), row.engine(), row.taskId()), k -> new ArrayList<>(2)).add(row);
            }
        }
        List<TaskChange> changes = new ArrayList<>(byTask.size());
        for (Map.Entry<Key, List<EventRow>> task : byTask.entrySet()) {
            List<EventRow> events = task.getValue();
            // Stable sort: events with equal times keep their arrival order.
            events.sort(Comparator.comparing(EventRow::occurredAt));
            TaskChange change = new TaskChange(task.getKey());
            for (EventRow event : events) {
                change.apply(event);
            }
            changes.add(change);
        }
        return changes;
    }

    /** The state of a row this batch creates: the same rule applied to a pending row with no times. */
    String insertState() {
        if (lastTerminalState != null) {
            return lastTerminalState;
        }
        return lastNonTerminalState != null ? lastNonTerminalState : "pending";
    }

    private void apply(EventRow event) {
        TaskFacts facts = event.task();
        long at = Micros.of(event.occurredAt());
        if (facts.name() != null) {
            name = Text.cut(facts.name(), MAX_NAME);
        }
        if (event.queue() != null) {
            queue = Text.cut(event.queue(), MAX_REFERENCE);
        }
        if (facts.priority() != null) {
            priority = PRIORITIES.contains(facts.priority()) ? facts.priority() : "normal";
        }
        if (facts.retryCount() != null) {
            retryCount = facts.retryCount();
        }
        String parent = sanitisedReference(facts.parentTaskId());
        if (parent != null) {
            parentTaskId = parent;
        }
        String root = sanitisedReference(facts.rootTaskId());
        if (root != null) {
            rootTaskId = root;
        }
        String state = facts.state();
        if (state == null) {
            return;
        }
        switch (state) {
            case "received" -> {
                receivedAt = later(receivedAt, at);
                takeArguments(facts);
            }
            case "started" -> {
                startedAt = later(startedAt, at);
                takeArguments(facts);
                if (event.worker() != null) {
                    workerName = Text.cut(event.worker(), MAX_REFERENCE);
                }
            }
            case "success" -> {
                finishedAt = later(finishedAt, at);
                if (facts.resultJson() != null) {
                    resultJson = facts.resultJson();
                }
                if (facts.runtimeMs() != null) {
                    runtimeMs = facts.runtimeMs();
                }
                failureFieldsSet = true;
                exception = null;
                traceback = null;
            }
            case "failure" -> {
                finishedAt = later(finishedAt, at);
                failureFieldsSet = true;
                exception = Text.cut(facts.exception(), MAX_FAILURE_TEXT);
                traceback = Text.cut(facts.traceback(), MAX_FAILURE_TEXT);
            }
            case "revoked" -> finishedAt = later(finishedAt, at);
            default -> { }
        }
        if (TERMINAL.contains(state)) {
            if (firstTerminalState == null) {
                firstTerminalState = state;
            }
            lastTerminalState = state;
            lastTerminalAt = at;
        } else if (NON_TERMINAL.contains(state)) {
            lastNonTerminalState = state;
            lastNonTerminalAt = at;
        }
    }

    private void takeArguments(TaskFacts facts) {
        if (facts.argsJson() != null) {
            argsJson = facts.argsJson();
        }
        if (facts.kwargsJson() != null) {
            kwargsJson = facts.kwargsJson();
        }
    }

    // Canvas references that are too long, contain NUL or point at the task itself are dropped.
    private String sanitisedReference(String reference) {
        if (reference == null || reference.isEmpty() || reference.length() > MAX_REFERENCE
                || reference.indexOf('\0') >= 0 || reference.equals(key.taskId())) {
            return null;
        }
        return reference;
    }

    private static Long later(Long current, long candidate) {
        return current == null ? candidate : Math.max(current, candidate);
    }
}
