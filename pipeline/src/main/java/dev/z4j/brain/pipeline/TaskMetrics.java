package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Task metrics an operator alerts on, counted from the events each commit stored (a resent
 * duplicate counts nothing):
 * <ul>
 *   <li>{@code z4j_tasks_total{project, task_name, state}}: task events by the state they report
 *       (received, started, success, failure, retry, revoked);</li>
 *   <li>{@code z4j_task_duration_seconds{project, task_name}}: the runtime a task.succeeded reports,
 *       as a histogram with the original brain's buckets.</li>
 * </ul>
 * {@code project} is the project id (stable when a project is renamed). Cardinality is bounded:
 * the first {@code namesPerProject} task names a project reports get a label of their own (cut to
 * 128 characters), every later name is counted as {@code other}.
 */
public final class TaskMetrics implements InsertedRowListener {
    public static final String TASKS = "z4j_tasks_total";
    public static final String DURATION = "z4j_task_duration";
    public static final String OTHER = "other";
    static final int NAME_CHARS = 128;
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120)};

    private record CounterKey(UUID project, String name, String state) {}

    private record TimerKey(UUID project, String name) {}

    private final MeterRegistry registry;
    private final int namesPerProject;
    private final ConcurrentHashMap<UUID, Set<String>> namesOf = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final ReentrantLock admitting = new ReentrantLock(); // taken only for a name not seen yet

    public TaskMetrics(MeterRegistry registry, int namesPerProject) {
        if (namesPerProject < 0) {
            throw new IllegalArgumentException("namesPerProject must be >= 0, was " + namesPerProject);
        }
        this.registry = registry;
        this.namesPerProject = namesPerProject;
    }

    @Override
    public void inserted(EventRow row) {
        TaskFacts f = row.task();
        if (f == null || f.state() == null) {
            return; // not a task event, or task.sent / task.rejected, which report no state
        }
        String name = label(row.projectId(), f.name());
        counters.computeIfAbsent(new CounterKey(row.projectId(), name, f.state()), k -> Counter.builder(TASKS)
                .description("Task events stored, by the state they report")
                .tag("project", k.project().toString()).tag("task_name", k.name()).tag("state", k.state())
                .register(registry)).increment();
        if (f.runtimeMs() != null && f.runtimeMs() >= 0 && "success".equals(f.state())) {
            timers.computeIfAbsent(new TimerKey(row.projectId(), name), k -> Timer.builder(DURATION)
                    .description("Runtime task.succeeded events report")
                    .tag("project", k.project().toString()).tag("task_name", k.name())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)).record(Duration.ofMillis(f.runtimeMs()));
        }
    }

    /** The task_name label: the name itself while the project has room for another, else "other". */
    private String label(UUID project, String rawName) {
        String name = rawName == null || rawName.isEmpty() ? "unknown" : cut(rawName);
        Set<String> known = namesOf.computeIfAbsent(project, p -> ConcurrentHashMap.newKeySet());
        if (known.contains(name)) {
            return name;
        }
        admitting.lock(); // several writers: size-then-add one at a time, or they overshoot the bound
        try {
            if (known.contains(name) || known.size() < namesPerProject) {
                known.add(name);
                return name;
            }
        } finally {
            admitting.unlock();
        }
        return OTHER;
    }

    private static String cut(String s) {
        return s.codePointCount(0, s.length()) <= NAME_CHARS ? s : s.substring(0, s.offsetByCodePoints(0, NAME_CHARS));
    }
}
