package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Timestamps;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Celery-like task events for one simulated worker: every task goes task.received -> task.started ->
 * task.succeeded (or task.failed with a 1-2 KB traceback in about 5% of tasks), a few tasks
 * interleaved as on a real prefork worker. Data keys follow the Celery adapter (docs/PROTOCOL.md 7.2).
 */
final class TaskEventSource {
    static final double FAILURE_RATIO = 0.05;
    private static final int CONCURRENT_TASKS = 4;

    private static final String[] TASK_NAMES = {
        "app.tasks.billing.charge_invoice", "app.tasks.email.send_welcome_email",
        "app.tasks.reports.generate_daily_summary", "app.tasks.images.resize_thumbnail",
        "app.tasks.sync.pull_crm_contacts", "app.tasks.search.reindex_document",
    };
    private static final String[] QUEUES = {"default", "default", "emails", "reports", "media"};
    private static final String[] EXCEPTIONS = {"ValueError", "TimeoutError", "ConnectionResetError", "KeyError"};

    private final Clock clock;
    private final RandomGenerator random;
    private final String workerName;
    private final List<ArrayDeque<Map<String, Object>>> active = new ArrayList<>();
    private int cursor;

    TaskEventSource(Clock clock, RandomGenerator random, String workerName) {
        this.clock = clock;
        this.random = random;
        this.workerName = workerName;
    }

    /** The next event of some in-progress task (a new task starts when fewer than four are in progress). */
    Map<String, Object> next() {
        while (active.size() < CONCURRENT_TASKS) {
            active.add(newTask());
        }
        cursor = (cursor + 1) % active.size();
        ArrayDeque<Map<String, Object>> task = active.get(cursor);
        Map<String, Object> spec = task.poll();
        if (task.isEmpty()) {
            active.remove(cursor);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", UUID.randomUUID().toString());
        event.put("kind", spec.remove("kind"));
        event.put("engine", "celery");
        event.put("task_id", spec.remove("task_id"));
        event.put("occurred_at", Timestamps.isoformatUtc(clock.instant()));
        event.put("data", spec);
        return event;
    }

    List<Map<String, Object>> next(int n) {
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** The three events of one task; "kind" and "task_id" are lifted out of the data map in {@link #next()}. */
    private ArrayDeque<Map<String, Object>> newTask() {
        String taskId = UUID.randomUUID().toString();
        String name = TASK_NAMES[random.nextInt(TASK_NAMES.length)];
        String queue = QUEUES[random.nextInt(QUEUES.length)];
        List<Object> args = List.of(random.nextLong(1, 10_000_000), "acct_" + Long.toHexString(random.nextLong()));
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("retry", random.nextBoolean());
        kwargs.put("source", "api");
        kwargs.put("request_id", UUID.randomUUID().toString());
        kwargs.put("tags", List.of("loadgen", queue));

        ArrayDeque<Map<String, Object>> events = new ArrayDeque<>(3);
        Map<String, Object> received = base("task.received", taskId, name, queue, null);
        received.put("args", args);
        received.put("kwargs", kwargs);
        received.put("root_task_id", taskId);
        received.put("priority", "normal");
        events.add(received);

        Map<String, Object> started = base("task.started", taskId, name, queue, workerName);
        started.put("args", args);
        started.put("kwargs", kwargs);
        events.add(started);

        if (random.nextDouble() < FAILURE_RATIO) {
            String exc = EXCEPTIONS[random.nextInt(EXCEPTIONS.length)];
            Map<String, Object> failed = base("task.failed", taskId, name, queue, workerName);
            failed.put("exception", exc);
            failed.put("exception_message", "simulated failure in " + name + " for " + args.get(1));
            failed.put("traceback", traceback(name, exc));
            events.add(failed);
        } else {
            Map<String, Object> succeeded = base("task.succeeded", taskId, name, queue, workerName);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", "ok");
            result.put("processed", random.nextInt(1, 500));
            result.put("checksum", Long.toHexString(random.nextLong()));
            succeeded.put("result", result);
            succeeded.put("runtime_ms", random.nextInt(3, 2500));
            events.add(succeeded);
        }
        return events;
    }

    private static Map<String, Object> base(String kind, String taskId, String name, String queue, String worker) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("task_id", taskId);
        m.put("task_name", name);
        m.put("queue", queue);
        m.put("worker", worker);
        return m;
    }

    private String traceback(String taskName, String exc) {
        String module = taskName.substring(0, taskName.lastIndexOf('.')).replace('.', '/');
        String fn = taskName.substring(taskName.lastIndexOf('.') + 1);
        StringBuilder sb = new StringBuilder(1600);
        sb.append("Traceback (most recent call last):\n");
        sb.append("  File \"/usr/local/lib/python3.12/site-packages/celery/app/trace.py\", line 453, in trace_task\n");
        sb.append("    R = retval = fun(*args, **kwargs)\n");
        sb.append("  File \"/usr/local/lib/python3.12/site-packages/celery/app/trace.py\", line 736, in __protected_call__\n");
        sb.append("    return self.run(*args, **kwargs)\n");
        int frames = 6 + random.nextInt(8);
        for (int i = 0; i < frames; i++) {
            sb.append("  File \"/srv/app/").append(module).append(".py\", line ").append(40 + random.nextInt(400))
                    .append(", in ").append(i == 0 ? fn : "_step_" + i).append('\n');
            sb.append("    result = client.call(payload, timeout=").append(5 + i).append(")\n");
        }
        sb.append(exc).append(": simulated failure while processing ").append(fn).append('\n');
        return sb.toString();
    }
}
