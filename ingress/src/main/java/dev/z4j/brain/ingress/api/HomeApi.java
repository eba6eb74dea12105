package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.FailureView;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.ProjectActivity;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /home/summary} and {@code GET /home/recent-failures}: the caller's projects side by
 * side. A project's tasks in the window are those that started in it (the original counts
 * task.received events, which would read a day of the events table on every 30 s poll).
 */
public final class HomeApi {
    static final Duration WINDOW = Duration.ofHours(24);
    static final Duration ACTIVITY_HORIZON = Duration.ofDays(30);
    static final double RATE_DEGRADED = 0.05;
    static final double RATE_CRITICAL = 0.20;
    static final long RATE_MIN_TASKS = 20;
    static final int EXCEPTION_CHARS = 500;

    private final OperatorReads reads;
    private final Clock clock;

    public HomeApi(OperatorReads reads, Clock clock) {
        this.reads = reads;
        this.clock = clock;
    }

    private record Card(HomeCaller.VisibleProject project, ProjectActivity a, double rate, String health) {}

    private record Attention(String kind, String severity, HomeCaller.VisibleProject project, String message,
                             long count) {}

    public Answer summary(HomeCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        Instant now = clock.instant();
        Map<UUID, ProjectActivity> activity = reads.activity(
                caller.projects().stream().map(HomeCaller.VisibleProject::id).toList(), now.minus(WINDOW), now);
        List<Card> cards = new ArrayList<>();
        List<Attention> attention = new ArrayList<>();
        for (HomeCaller.VisibleProject p : caller.projects()) {
            ProjectActivity a = activity.get(p.id());
            Instant last = a.lastActivityAt() != null && a.lastActivityAt().isAfter(now.minus(ACTIVITY_HORIZON))
                    ? a.lastActivityAt() : null;
            a = new ProjectActivity(a.projectId(), a.tasksStarted(), a.tasksFailed(), a.workersOnline(),
                    a.workersTotal(), a.agentsOnline(), a.agentsTotal(), a.stuckCommands(), last);
            double rate = rate(a.tasksFailed(), a.tasksStarted());
            long agentsOffline = a.agentsTotal() - a.agentsOnline();
            String health = a.agentsTotal() > 0 && a.agentsOnline() == 0 ? "offline"
                    : rate > RATE_DEGRADED || a.stuckCommands() > 0 || agentsOffline > 0 ? "degraded"
                    : a.tasksStarted() == 0 && a.workersOnline() == 0 ? "idle" : "healthy";
            cards.add(new Card(p, a, rate, health));
            if (agentsOffline > 0) {
                attention.add(new Attention("agent_offline", a.agentsOnline() == 0 ? "critical" : "warning", p,
                        agentsOffline == 1 ? "Agent offline" : agentsOffline + " agents offline", agentsOffline));
            }
            if (rate > RATE_DEGRADED && a.tasksStarted() > RATE_MIN_TASKS) {
                attention.add(new Attention("high_failure_rate", rate > RATE_CRITICAL ? "critical" : "warning", p,
                        String.format("Failure rate %.1f%% in the last 24 h", rate * 100), a.tasksFailed()));
            }
            if (a.stuckCommands() > 0) {
                attention.add(new Attention("stuck_commands", "warning", p, a.stuckCommands() == 1
                        ? "1 command stuck past its timeout" : a.stuckCommands() + " commands stuck past their timeout",
                        a.stuckCommands()));
            }
        }
        cards.sort(Comparator.comparing((Card c) -> c.project().name()).thenComparing(c -> c.project().slug()));
        attention.sort(Comparator.comparing((Attention x) -> x.severity().equals("critical") ? 0 : 1)
                .thenComparing(x -> x.project().name()));
        return Answer.ok(g -> {
            g.writeStartObject();
            writeUser(g, caller.user());
            g.writeObjectFieldStart("aggregate");
            long tasks = cards.stream().mapToLong(c -> c.a().tasksStarted()).sum();
            long failures = cards.stream().mapToLong(c -> c.a().tasksFailed()).sum();
            g.writeNumberField("tasks_24h", tasks);
            g.writeNumberField("failures_24h", failures);
            g.writeNumberField("failure_rate_24h", rate(failures, tasks));
            g.writeNumberField("workers_online", cards.stream().mapToLong(c -> c.a().workersOnline()).sum());
            g.writeNumberField("workers_total", cards.stream().mapToLong(c -> c.a().workersTotal()).sum());
            g.writeNumberField("agents_online", cards.stream().mapToLong(c -> c.a().agentsOnline()).sum());
            g.writeNumberField("agents_total", cards.stream().mapToLong(c -> c.a().agentsTotal()).sum());
            g.writeNumberField("stuck_commands", cards.stream().mapToLong(c -> c.a().stuckCommands()).sum());
            g.writeEndObject();
            g.writeArrayFieldStart("projects");
            for (Card c : cards) {
                writeCard(g, c);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("attention");
            for (Attention x : attention) {
                g.writeStartObject();
                g.writeStringField("kind", x.kind());
                g.writeStringField("severity", x.severity());
                g.writeStringField("project_id", x.project().id().toString());
                g.writeStringField("project_slug", x.project().slug());
                g.writeStringField("project_name", x.project().name());
                g.writeStringField("message", x.message());
                g.writeNumberField("count", x.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** failures / tasks, at most 1.0, 0 without tasks. */
    private static double rate(long failures, long tasks) {
        return tasks == 0 ? 0.0 : Math.min(1.0, (double) failures / tasks);
    }

    private static void writeUser(JsonGenerator g, HomeCaller.User user) throws IOException {
        if (user == null) {
            g.writeNullField("user");
            return;
        }
        g.writeObjectFieldStart("user");
        g.writeStringField("id", user.id().toString());
        Json.text(g, "email", user.email());
        Json.text(g, "display_name", user.displayName());
        g.writeBooleanField("is_admin", user.admin());
        g.writeEndObject();
    }

    private static void writeCard(JsonGenerator g, Card c) throws IOException {
        HomeCaller.VisibleProject p = c.project();
        ProjectActivity a = c.a();
        g.writeStartObject();
        g.writeStringField("id", p.id().toString());
        g.writeStringField("slug", p.slug());
        g.writeStringField("name", p.name());
        g.writeStringField("environment", p.environment());
        Json.text(g, "role", p.role() == null ? null : p.role().wire());
        g.writeNumberField("tasks_24h", a.tasksStarted());
        g.writeNumberField("failures_24h", a.tasksFailed());
        g.writeNumberField("failure_rate_24h", c.rate());
        g.writeNumberField("workers_online", a.workersOnline());
        g.writeNumberField("workers_total", a.workersTotal());
        g.writeNumberField("agents_online", a.agentsOnline());
        g.writeNumberField("agents_total", a.agentsTotal());
        g.writeNumberField("stuck_commands", a.stuckCommands());
        Json.time(g, "last_activity_at", a.lastActivityAt());
        g.writeStringField("health", c.health());
        g.writeEndObject();
    }

    /**
     * Failed tasks of the caller's projects, newest first; {@code limit} 1..200 (default 50), the
     * cursor names the last row returned (the original's named the first one left out, skipping it).
     */
    public Answer recentFailures(HomeCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        int limit = Params.integer(req, "limit", 50, 1, 200);
        String cursor = req.query("cursor");
        Keys.Failure after = cursor == null || cursor.isEmpty() ? null : Cursors.failure(cursor);
        Map<UUID, HomeCaller.VisibleProject> visible = new LinkedHashMap<>();
        caller.projects().forEach(p -> visible.put(p.id(), p));
        List<FailureView> page = reads.recentFailures(caller.seesEveryProject() ? null : visible.keySet(), after, limit);
        // a project created after the caller's list was resolved is not shown
        List<FailureView> shown = page.stream().filter(f -> visible.containsKey(f.projectId())).toList();
        String next = page.size() == limit
                ? Cursors.failure(new Keys.Failure(page.getLast().finishedAt(), page.getLast().id())) : null;
        return Answer.ok(Shapes.page(shown, (g, f) -> {
            HomeCaller.VisibleProject p = visible.get(f.projectId());
            g.writeStartObject();
            g.writeStringField("id", f.id().toString());
            Json.time(g, "occurred_at", f.finishedAt());
            g.writeStringField("project_id", p.id().toString());
            g.writeStringField("project_slug", p.slug());
            g.writeStringField("project_name", p.name());
            g.writeStringField("engine", f.engine());
            g.writeStringField("task_id", f.taskId());
            Json.text(g, "task_name", f.name());
            Json.text(g, "worker", f.workerName());
            Json.text(g, "exception", shortened(f.exception()));
            g.writeStringField("priority", f.priority() == null ? "normal" : f.priority());
            g.writeEndObject();
        }, next));
    }

    /** At most 500 characters, an ellipsis marking a cut (never inside a surrogate pair). */
    static String shortened(String s) {
        if (s == null || s.codePointCount(0, s.length()) <= EXCEPTION_CHARS) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, EXCEPTION_CHARS)) + "\u2026";
    }
}
