package dev.z4j.brain.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The task rules applied the way the original brain applies them: one event at a time against the
 * row as it is (a batch's new events in occurred_at order), in plain Java. The stores fold a
 * batch and merge it set-wise in SQL; they must end with exactly these rows. Rows come out in the
 * representation of {@link StoreTwins}. Single engine ("celery"), one project.
 */
final class TaskModel {
    private static final Set<String> TERMINAL = Set.of("success", "failure", "revoked");
    private static final Set<String> NON_TERMINAL = Set.of("received", "started", "retry");

    private final Map<String, Map<String, Object>> tasks = new TreeMap<>();
    private final Set<UUID> stored = new HashSet<>();

    void write(List<Ev> batch) {
        Map<String, List<Ev>> byTask = new LinkedHashMap<>();
        for (Ev e : batch) {
            if (stored.add(e.id()) && e.task() != null && !e.taskId().isEmpty()) {
                byTask.computeIfAbsent(e.taskId(), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<Ev> events : byTask.values()) {
            events.sort(Comparator.comparing(e -> micros(e.occurredAt()))); // stable
            for (Ev e : events) {
                apply(e);
            }
        }
    }

    List<Map<String, Object>> rows() {
        return new ArrayList<>(tasks.values());
    }

    private void apply(Ev e) {
        Map<String, Object> row = tasks.computeIfAbsent(e.taskId(), TaskModel::newRow);
        TaskFacts f = e.task();
        Instant at = micros(e.occurredAt());
        long day = Math.floorDiv(e.receivedAt().getEpochSecond(), 86_400L);
        row.merge("first_received_day", day, (a, b) -> Math.min((Long) a, (Long) b));
        row.merge("last_received_day", day, (a, b) -> Math.max((Long) a, (Long) b));
        set(row, "name", StoreTwins.text(FieldCaps.cut(f.name(), FieldCaps.TASK_NAME)));
        set(row, "queue", StoreTwins.text(FieldCaps.reference(e.queue())));
        set(row, "priority", TaskFold.priority(f.priority()));
        set(row, "retry_count", f.retryCount() == null ? null : f.retryCount().longValue());
        set(row, "parent_task_id", StoreTwins.text(TaskFold.canvasReference(f.parentTaskId(), e.taskId())));
        set(row, "root_task_id", StoreTwins.text(TaskFold.canvasReference(f.rootTaskId(), e.taskId())));
        String state = f.state();
        if (state == null) {
            return;
        }
        // The decision looks at the row before this event's own times are written.
        boolean rowTerminal = TERMINAL.contains((String) row.get("state"));
        Instant lifecycle = lifecycle(row);
        boolean notOlder = lifecycle == null || !at.isBefore(lifecycle);
        if ((TERMINAL.contains(state) && (!rowTerminal || notOlder))
                || (NON_TERMINAL.contains(state) && !rowTerminal && notOlder)) {
            row.put("state", state);
        }
        switch (state) {
            case "received" -> {
                later(row, "received_at", at);
                set(row, "args", json(f.argsJson()));
                set(row, "kwargs", json(f.kwargsJson()));
            }
            case "started" -> {
                later(row, "started_at", at);
                set(row, "args", json(f.argsJson()));
                set(row, "kwargs", json(f.kwargsJson()));
                set(row, "worker_name", StoreTwins.text(FieldCaps.reference(e.worker())));
            }
            case "success" -> {
                later(row, "finished_at", at);
                set(row, "result", json(f.resultJson()));
                set(row, "runtime_ms", f.runtimeMs());
                row.put("exception", null);
                row.put("traceback", null);
            }
            case "failure" -> {
                later(row, "finished_at", at);
                row.put("exception", StoreTwins.text(FieldCaps.cut(f.exception(), FieldCaps.FAILURE_TEXT)));
                row.put("traceback", StoreTwins.text(FieldCaps.cut(f.traceback(), FieldCaps.FAILURE_TEXT)));
            }
            case "revoked" -> later(row, "finished_at", at);
            default -> { }
        }
    }

    private static Map<String, Object> newRow(String taskId) {
        Map<String, Object> row = new HashMap<>();
        for (String column : List.of("name", "queue", "args", "kwargs", "result", "exception", "traceback", "eta",
                "received_at", "started_at", "finished_at", "runtime_ms", "worker_name", "parent_task_id",
                "root_task_id")) {
            row.put(column, null);
        }
        row.put("project_id", "project");
        row.put("engine", "celery");
        row.put("task_id", taskId);
        row.put("state", "pending");
        row.put("priority", "normal");
        row.put("retry_count", 0L);
        row.put("tags", List.of());
        row.put("metadata", Map.of());
        row.put("created_at", "<set>");
        row.put("updated_at", "<set>");
        row.put("id", "<set>");
        return new TreeMap<>(row);
    }

    // Latest of received/started/finished, capped at now; null when the row has none.
    private static Instant lifecycle(Map<String, Object> row) {
        Instant latest = null;
        for (String column : List.of("received_at", "started_at", "finished_at")) {
            Instant t = (Instant) row.get(column);
            if (t != null && (latest == null || t.isAfter(latest))) {
                latest = t;
            }
        }
        Instant now = Instant.now();
        return latest == null || latest.isBefore(now) ? latest : now;
    }

    private static void set(Map<String, Object> row, String column, Object value) {
        if (value != null) {
            row.put(column, value);
        }
    }

    private static void later(Map<String, Object> row, String column, Instant at) {
        Instant current = (Instant) row.get(column);
        if (current == null || at.isAfter(current)) {
            row.put(column, at);
        }
    }

    private static Object json(String text) {
        return text == null ? null : StoreTwins.json(text);
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
