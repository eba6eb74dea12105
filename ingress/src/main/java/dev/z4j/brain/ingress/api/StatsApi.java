package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.QueueView;
import dev.z4j.brain.store.read.StatsView;
import dev.z4j.brain.store.read.TrendBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /projects/{slug}/stats?hours=} (the overview page) and {@code GET /projects/{slug}/trends}. */
public final class StatsApi {
    private static final Set<Integer> HOURS = Set.of(1, 6, 24, 72, 168);
    private static final Map<String, Long> WINDOWS = ordered("1h", 3_600L, "6h", 21_600L, "24h", 86_400L, "72h",
            259_200L, "7d", 604_800L);
    private static final Map<String, Long> BUCKETS = ordered("1m", 60L, "5m", 300L, "15m", 900L, "1h", 3_600L,
            "1d", 86_400L);
    private static final int MAX_BUCKETS = 500;
    /** Queue depth (all queues) from which the project counts as degraded. */
    static final long DEPTH_DEGRADED = 10_000;
    static final double FAILURE_RATE_DEGRADED = 0.1;

    private final OperatorReads reads;
    private final Clock clock;

    public StatsApi(OperatorReads reads, Clock clock) {
        this.reads = reads;
        this.clock = clock;
    }

    /**
     * StatsResponse. {@code hours} outside 1, 6, 24, 72, 168 becomes 24 (the original's rule); the
     * "_24h" fields count that window. Extensions the SPA ignores: project, project_id,
     * agent_workers_online (online agent connection slots).
     */
    public Answer stats(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        int hours = 24;
        String raw = req.query("hours");
        if (raw != null) {
            try {
                int h = Integer.parseInt(raw.strip());
                hours = HOURS.contains(h) ? h : 24;
            } catch (NumberFormatException e) {
                hours = 24;
            }
        }
        int window = hours;
        StatsView s = reads.stats(caller.project().id(), clock.instant().minus(Duration.ofHours(hours)));
        long finished = s.tasksFailedInWindow() + s.tasksSucceededInWindow();
        double failureRate = finished == 0 ? 0.0 : (double) s.tasksFailedInWindow() / finished;
        long depth = s.queueDepths().stream().mapToLong(q -> q.pendingCount() == null ? 0 : q.pendingCount()).sum();
        boolean allOnline = s.agentsOffline() == 0 && s.agentsOnline() > 0;
        boolean depthOk = depth < DEPTH_DEGRADED;
        boolean rateOk = failureRate < FAILURE_RATE_DEGRADED;
        String health = s.agentsOnline() == 0 ? "critical" : allOnline && depthOk && rateOk ? "healthy" : "degraded";
        return Answer.ok(g -> {
            g.writeStartObject();
            g.writeNumberField("hours", window);
            g.writeObjectFieldStart("tasks_by_state");
            long total = 0;
            for (Map.Entry<String, Long> e : s.tasksByState().entrySet()) {
                total += e.getValue();
            }
            for (String state : dev.z4j.brain.store.read.SqlOperatorReads.TASK_STATES) {
                g.writeNumberField(state, s.tasksByState().getOrDefault(state, 0L));
            }
            g.writeEndObject();
            g.writeNumberField("tasks_total", total);
            g.writeNumberField("tasks_failed_24h", s.tasksFailedInWindow());
            g.writeNumberField("tasks_succeeded_24h", s.tasksSucceededInWindow());
            g.writeNumberField("failure_rate_24h", failureRate);
            g.writeNumberField("agents_online", s.agentsOnline());
            g.writeNumberField("agents_offline", s.agentsOffline());
            g.writeNumberField("workers_online", s.workersOnline());
            g.writeNumberField("workers_offline", s.workersOffline());
            g.writeNumberField("commands_pending", s.commandsPending());
            g.writeNumberField("commands_completed_24h", s.commandsCompletedInWindow());
            g.writeNumberField("commands_failed_24h", s.commandsFailedInWindow());
            g.writeNumberField("commands_timeout_24h", s.commandsTimeoutInWindow());
            g.writeArrayFieldStart("queue_depths");
            for (QueueView q : s.queueDepths()) {
                g.writeStartObject();
                g.writeStringField("name", q.name());
                g.writeStringField("engine", q.engine());
                g.writeNumberField("pending_count", q.pendingCount());
                Json.text(g, "broker_type", q.brokerType());
                Json.text(g, "last_seen_at", q.lastSeenAt() == null ? null : Cursors.isoformat(q.lastSeenAt()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("system_health");
            g.writeStringField("status", health);
            g.writeBooleanField("agents_all_online", allOnline);
            g.writeBooleanField("queue_depth_ok", depthOk);
            g.writeBooleanField("failure_rate_ok", rateOk);
            g.writeBooleanField("brain_db_ok", true); // this answer came from the database
            g.writeEndObject();
            g.writeStringField("project", caller.project().slug());
            g.writeStringField("project_id", caller.project().id().toString());
            g.writeNumberField("agent_workers_online", s.agentWorkersOnline());
            g.writeEndObject();
        });
    }

    /**
     * TrendsResponse: finished tasks per bucket over the window ending now; {@code window} one of
     * 1h 6h 24h 72h 7d, {@code bucket} one of 1m 5m 15m 1h 1d (else 422), at most 500 buckets (else 400).
     */
    public Answer trends(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        String window = req.query("window") == null ? "24h" : req.query("window");
        String bucket = req.query("bucket") == null ? "1h" : req.query("bucket");
        Long windowSeconds = WINDOWS.get(window);
        if (windowSeconds == null) {
            throw ApiProblem.invalid("window", "must be one of " + WINDOWS.keySet());
        }
        Long bucketSeconds = BUCKETS.get(bucket);
        if (bucketSeconds == null) {
            throw ApiProblem.invalid("bucket", "must be one of " + BUCKETS.keySet());
        }
        if (windowSeconds / bucketSeconds > MAX_BUCKETS) {
            throw new ApiProblem(400, "bad_request", "window/bucket ratio too fine: " + window + " in " + bucket
                    + " buckets is " + windowSeconds / bucketSeconds + " buckets, at most " + MAX_BUCKETS,
                    Map.of("window", window, "bucket", bucket));
        }
        Instant now = clock.instant();
        List<TrendBucket> series = reads.trends(caller.project().id(), now.minusSeconds(windowSeconds), now,
                bucketSeconds);
        return Answer.ok(g -> {
            g.writeStartObject();
            g.writeStringField("window", window);
            g.writeStringField("bucket", bucket);
            g.writeArrayFieldStart("series");
            for (TrendBucket b : series) {
                g.writeStartObject();
                g.writeStringField("t", Cursors.isoformat(Instant.ofEpochSecond(b.index() * bucketSeconds)));
                g.writeNumberField("success", b.success());
                g.writeNumberField("failure", b.failure());
                g.writeNumberField("retry", b.retry());
                g.writeNumberField("revoked", b.revoked());
                g.writeNumberField("total", b.total());
                Json.number(g, "avg_runtime_ms", b.runtimeCount() == 0 ? null : b.runtimeSumMs() / b.runtimeCount());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static Map<String, Long> ordered(Object... pairs) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Long) pairs[i + 1]);
        }
        return m;
    }
}
