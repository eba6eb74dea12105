package dev.z4j.brain.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What each task event sets, and how one batch's events of a task collapse into one
 * {@link TaskUpdate}: the task rules both stores apply, written once.
 *
 * <p>Per event, in occurred_at order (equal times keep arrival order):
 * <ul>
 *   <li>any kind: name (cut to {@link FieldCaps#TASK_NAME}), queue, priority (unknown values become
 *       normal), retry_count, parent and root task references, each when the event carries it;</li>
 *   <li>received: received_at, args, kwargs;</li>
 *   <li>started: started_at, args, kwargs, worker_name;</li>
 *   <li>success: finished_at, result, runtime_ms, and exception and traceback are cleared;</li>
 *   <li>failure: finished_at, exception and traceback are this failure's own (cut to
 *       {@link FieldCaps#FAILURE_TEXT}), cleared when it has none: an earlier failure's text must not
 *       be shown as the reason of this one;</li>
 *   <li>revoked: finished_at; retry: only the fields of any kind.</li>
 * </ul>
 * A later value replaces an earlier one; lifecycle times only move forward. These informational
 * fields are written whatever the state decision of {@link TaskMerge}. Every event of the task,
 * whatever its kind, widens the range of receive days its stored events lie in (the timeline
 * reads only those days).
 *
 * <p>The fold gives exactly what applying the events one at a time in occurred_at order gives,
 * because lifecycle times only move forward: with the events sorted, an event passes the
 * same-tier time test against the row as it is after the earlier events iff it passes against
 * the row before the batch. So the state outcome needs only the first terminal, the last terminal
 * and the last non-terminal state of the batch.
 */
public final class TaskFold {
    public static final Set<String> PRIORITIES = Set.of("critical", "high", "normal", "low");
    private static final Set<String> TERMINAL = Set.of("success", "failure", "revoked");
    private static final Set<String> NON_TERMINAL = Set.of("received", "started", "retry");
    private static final Comparator<EventRow> BY_OCCURRED = Comparator.comparing(EventRow::occurredAt);

    private TaskFold() {}

    /** Whether {@code state} is success, failure or revoked. */
    public static boolean isTerminal(String state) {
        return TERMINAL.contains(state);
    }

    /** The UTC day number (days since 1970-01-01) of a receive time: the events partition it is in. */
    public static long receivedDay(Instant receivedAt) {
        return Math.floorDiv(receivedAt.getEpochSecond(), 86_400L);
    }

    /** A priority as stored: lower-cased; anything not critical/high/normal/low becomes normal. */
    public static String priority(String raw) {
        if (raw == null) {
            return null;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        return PRIORITIES.contains(lower) ? lower : "normal";
    }

    /** A canvas reference, or null when empty, too long, containing NUL, or naming the task itself. */
    public static String canvasReference(String reference, String taskId) {
        if (reference == null || reference.indexOf('\0') >= 0 || reference.equals(taskId)) {
            return null;
        }
        return FieldCaps.reference(reference);
    }

    /**
     * One update per task among {@code events} that carry task facts and a task id, ordered by
     * (project, engine, task id) so concurrent writers lock rows in the same order.
     */
    public static List<TaskUpdate> fold(List<EventRow> events) {
        Map<Key, List<EventRow>> byTask = new TreeMap<>();
        for (EventRow e : events) {
            if (e.task() != null && e.taskId() != null && !e.taskId().isEmpty()) {
                byTask.computeIfAbsent(new Key(e.projectId(), e.engine(), e.taskId()), k -> new ArrayList<>(3)).add(e);
            }
        }
        List<TaskUpdate> updates = new ArrayList<>(byTask.size());
        for (Map.Entry<Key, List<EventRow>> task : byTask.entrySet()) {
            List<EventRow> taskEvents = task.getValue();
            taskEvents.sort(BY_OCCURRED); // stable: equal times keep arrival order
            Folding f = new Folding(task.getKey());
            for (EventRow e : taskEvents) {
                f.apply(e);
            }
            updates.add(f.result());
        }
        return updates;
    }

    private record Key(UUID projectId, String engine, String taskId) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = projectId.compareTo(o.projectId);
            if (c == 0) {
                c = engine.compareTo(o.engine);
            }
            return c != 0 ? c : taskId.compareTo(o.taskId);
        }
    }

    /** The running fold of one task's events. */
    private static final class Folding {
        private final Key key;
        private String name;
        private String queue;
        private String priority;
        private String argsJson;
        private String kwargsJson;
        private String resultJson;
        private Long runtimeMs;
        private Integer retryCount;
        private String workerName;
        private String parentTaskId;
        private String rootTaskId;
        private boolean replacesFailureText;
        private String exception;
        private String traceback;
        private Instant receivedAt;
        private Instant startedAt;
        private Instant finishedAt;
        private String firstTerminalState;
        private String lastTerminalState;
        private Instant lastTerminalAt;
        private String lastNonTerminalState;
        private Instant lastNonTerminalAt;
        private long firstReceivedDay = Long.MAX_VALUE;
        private long lastReceivedDay = Long.MIN_VALUE;

        Folding(Key key) {
            this.key = key;
        }

        void apply(EventRow e) {
            TaskFacts f = e.task();
            Instant at = e.occurredAt();
            long day = receivedDay(e.receivedAt());
            firstReceivedDay = Math.min(firstReceivedDay, day);
            lastReceivedDay = Math.max(lastReceivedDay, day);
            name = given(FieldCaps.cut(f.name(), FieldCaps.TASK_NAME), name);
            queue = given(FieldCaps.reference(e.queue()), queue);
            priority = given(priority(f.priority()), priority);
            retryCount = given(f.retryCount(), retryCount);
            parentTaskId = given(canvasReference(f.parentTaskId(), key.taskId()), parentTaskId);
            rootTaskId = given(canvasReference(f.rootTaskId(), key.taskId()), rootTaskId);
            String state = f.state();
            if (state == null) {
                return; // task.sent, task.rejected: the row exists, nothing else changes
            }
            switch (state) {
                case "received" -> {
                    receivedAt = later(receivedAt, at);
                    takeArguments(f);
                }
                case "started" -> {
                    startedAt = later(startedAt, at);
                    takeArguments(f);
                    workerName = given(FieldCaps.reference(e.worker()), workerName);
                }
                case "success" -> {
                    finishedAt = later(finishedAt, at);
                    resultJson = given(f.resultJson(), resultJson);
                    runtimeMs = given(f.runtimeMs(), runtimeMs);
                    replacesFailureText = true;
                    exception = null;
                    traceback = null;
                }
                case "failure" -> {
                    finishedAt = later(finishedAt, at);
                    replacesFailureText = true;
                    exception = FieldCaps.cut(f.exception(), FieldCaps.FAILURE_TEXT);
                    traceback = FieldCaps.cut(f.traceback(), FieldCaps.FAILURE_TEXT);
                }
                case "revoked" -> finishedAt = later(finishedAt, at);
                default -> { } // retry: only the fields of any kind
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

        private void takeArguments(TaskFacts f) {
            argsJson = given(f.argsJson(), argsJson);
            kwargsJson = given(f.kwargsJson(), kwargsJson);
        }

        TaskUpdate result() {
            return new TaskUpdate(key.projectId(), key.engine(), key.taskId(), name, queue, priority, argsJson,
                    kwargsJson, resultJson, runtimeMs, retryCount, workerName, parentTaskId, rootTaskId,
                    replacesFailureText, exception, traceback, receivedAt, startedAt, finishedAt, firstTerminalState,
                    lastTerminalState, lastTerminalAt, lastNonTerminalState, lastNonTerminalAt, firstReceivedDay,
                    lastReceivedDay);
        }

        private static <T> T given(T value, T current) {
            return value != null ? value : current;
        }

        private static Instant later(Instant current, Instant candidate) {
            return current == null || candidate.isAfter(current) ? candidate : current;
        }
    }
}
