package dev.z4j.brain.bench.capacity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Synthetic rows for the raw ceiling, shaped like what the brain stores for the load generator's
 * Celery traffic: received -> started -> succeeded (5% failed with a traceback), data payloads of
 * a few hundred bytes, task facts filled as ingress would (so the staging+merge path also runs the
 * task / worker / queue projections).
 */
final class CeleryRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TASKS = {
        "app.tasks.billing.charge_invoice", "app.tasks.email.send_welcome_email",
        "app.tasks.reports.generate_daily_summary", "app.tasks.images.resize_thumbnail",
        "app.tasks.sync.pull_crm_contacts", "app.tasks.search.reindex_document",
    };
    private static final String[] QUEUES = {"default", "default", "emails", "reports", "media"};

    private final SplittableRandom random = new SplittableRandom(42);
    private final UUID projectId;
    private final UUID agentId;

    CeleryRows(UUID projectId, UUID agentId) {
        this.projectId = projectId;
        this.agentId = agentId;
    }

    /** {@code n} rows (a multiple of 3 tasks' lifecycles), fresh ids and task ids, received now. */
    List<EventRow> next(int n) {
        List<EventRow> out = new ArrayList<>(n);
        Instant now = Instant.now();
        while (out.size() < n) {
            lifecycle(now, out, n);
        }
        return out;
    }

    private void lifecycle(Instant now, List<EventRow> out, int limit) {
        String taskId = UUID.randomUUID().toString();
        String name = TASKS[random.nextInt(TASKS.length)];
        String queue = QUEUES[random.nextInt(QUEUES.length)];
        String worker = "celery@worker-" + random.nextInt(40);
        List<Object> args = List.of(random.nextLong(1, 10_000_000), "acct_" + Long.toHexString(random.nextLong()));
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("retry", random.nextBoolean());
        kwargs.put("source", "api");
        kwargs.put("request_id", UUID.randomUUID().toString());
        kwargs.put("tags", List.of("loadgen", queue));

        Map<String, Object> received = base(name, queue, null);
        received.put("args", args);
        received.put("kwargs", kwargs);
        received.put("root_task_id", taskId);
        received.put("priority", "normal");
        add(out, limit, "task.received", taskId, now, received, queue, null,
                new TaskFacts("received", name, "normal", json(args), json(kwargs), null, null, null, null, null,
                        null, null));

        Map<String, Object> started = base(name, queue, worker);
        started.put("args", args);
        started.put("kwargs", kwargs);
        add(out, limit, "task.started", taskId, now.plusMillis(5), started, queue, worker,
                new TaskFacts("started", name, null, json(args), json(kwargs), null, null, null, null, null,
                        null, null));

        if (random.nextDouble() < 0.05) {
            Map<String, Object> failed = base(name, queue, worker);
            failed.put("exception", "TimeoutError");
            failed.put("exception_message", "simulated failure in " + name);
            String tb = traceback(name);
            failed.put("traceback", tb);
            add(out, limit, "task.failed", taskId, now.plusMillis(40), failed, queue, worker,
                    new TaskFacts("failure", name, null, null, null, null, null, "TimeoutError", tb, null,
                            null, null));
        } else {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", "ok");
            result.put("processed", random.nextInt(1, 500));
            result.put("checksum", Long.toHexString(random.nextLong()));
            Map<String, Object> done = base(name, queue, worker);
            done.put("result", result);
            long runtime = random.nextInt(3, 2500);
            done.put("runtime_ms", runtime);
            add(out, limit, "task.succeeded", taskId, now.plusMillis(40), done, queue, worker,
                    new TaskFacts("success", name, null, null, null, json(result), runtime, null, null, null,
                            null, null));
        }
    }

    private void add(List<EventRow> out, int limit, String kind, String taskId, Instant at, Map<String, Object> data,
                     String queue, String worker, TaskFacts facts) {
        if (out.size() < limit) {
            out.add(new EventRow(UUID.randomUUID(), projectId, agentId, "celery", taskId, kind, at, Instant.now(),
                    json(data), facts, queue, worker));
        }
    }

    private static Map<String, Object> base(String name, String queue, String worker) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_name", name);
        m.put("queue", queue);
        m.put("worker", worker);
        return m;
    }

    private String traceback(String name) {
        StringBuilder sb = new StringBuilder("Traceback (most recent call last):\n");
        for (int i = 0; i < 8; i++) {
            sb.append("  File \"/srv/app/").append(name.replace('.', '/')).append(".py\", line ")
                    .append(40 + random.nextInt(400)).append(", in _step_").append(i).append('\n')
                    .append("    result = client.call(payload, timeout=").append(5 + i).append(")\n");
        }
        return sb.append("TimeoutError: simulated failure\n").toString();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps of strings and numbers always serialise
        }
    }
}
