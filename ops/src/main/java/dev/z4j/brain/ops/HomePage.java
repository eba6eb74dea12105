package dev.z4j.brain.ops;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code GET /about}: what this server is and where to go (the dashboard is at {@code /}): version,
 * current health, and the HTTP API (the README's table, kept in sync).
 */
final class HomePage implements Handler {
    /** The jar's Implementation-Version; "development build" when run from classes (tests, IDE). */
    static final String VERSION = java.util.Optional.ofNullable(Brain.class.getPackage().getImplementationVersion())
            .orElse("development build");

    private static final String[][] API = {
            {"/", "the dashboard"},
            {"/ws/agent", "WebSocket for agents (z4j protocol v2, bearer token)"},
            {"/ws/dashboard", "WebSocket change feed for operators (session cookie, API key or ?ticket=)"},
            {"GET /setup", "first-admin form (only while no user exists)"},
            {"POST /api/v1/auth/login, /auth/logout, GET /api/v1/auth/me", "browser sessions (cookies + CSRF)"},
            {"/api/v1/projects[/{slug}]", "projects"},
            {"/api/v1/projects/{slug}/agents[/{id}]", "list, mint {\"name\"} &rarr; {agent, token, hmac_secret}, revoke"},
            {"/api/v1/users, /api/v1/projects/{slug}/memberships", "users and project roles"},
            {"/api/v1/api-keys", "personal API keys (z4k_...) with scopes"},
            {"GET /api/v1/projects/{slug}/audit", "audit log (csv, json, xlsx exports)"},
            {"GET /api/v1/home/summary, /home/recent-failures", "every project the caller may see, side by side"},
            {"GET /api/v1/projects/{slug}/stats, /trends", "the overview page: tasks by state, window counts, fleet, health"},
            {"GET /api/v1/projects/{slug}/tasks", "tasks: filters, search, keyset pages, CSV/JSON export; /{engine}/{task_id}, /tree"},
            {"GET /api/v1/projects/{slug}/events?engine=&amp;task_id=", "one task's timeline"},
            {"GET /api/v1/projects/{slug}/workers, /queues", "engine workers (with task counts) and queues"},
            {"POST /api/v1/projects/{slug}/commands/retry-task (and 8 more)", "typed commands as the original dashboard sends them (202)"},
            {"POST /api/v1/projects/{slug}/commands", "issue any agent action (202, stored pending)"},
            {"GET /api/v1/projects/{slug}/commands?status=", "a project's commands, newest first; /{id}"},
            {"GET /api/v1/commands/{id}", "one command's status"},
            {"GET /api/v1/system/pipeline", "this replica's ingest pipeline, for the dashboard's pipeline page (global admins)"},
            {"GET /api/v1/openapi.json", "the whole operator API, generated from its route table"},
            {"GET /health/live, /health/ready, /api/v1/health", "liveness; readiness (database and pipeline)"},
            {"GET /metrics", "Prometheus metrics"},
    };

    private final Supplier<Health> health;

    record Health(boolean ready, boolean database, boolean pipeline, boolean registry, String storage) {}

    HomePage(Supplier<Health> health) {
        this.health = health;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Health h = health.get();
        StringBuilder rows = new StringBuilder();
        for (String[] row : API) {
            rows.append("<tr><td><code>").append(row[0]).append("</code></td><td>").append(row[1]).append("</td></tr>\n");
        }
        String page = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>z4j brain</title>
                <style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
                td{padding:.2rem .8rem .2rem 0;vertical-align:top} code{font-size:.9em}
                .up{color:#176f2c}.down{color:#b3261e}</style></head>
                <body>
                <h1>z4j brain</h1>
                <p>This is a z4j brain: z4j agents inside Celery/RQ workers connect here to stream task events and
                receive commands. Version %s, speaking z4j %s (protocol v2), storage: %s.</p>
                <p>Health: <b class="%s">%s</b> (database %s, pipeline %s, replica registry %s).
                <a href="/health/ready">/health/ready</a> &middot; <a href="/health/live">/health/live</a>
                &middot; <a href="/metrics">/metrics</a></p>
                <h2>HTTP API</h2>
                <p><code>/api/v1</code> takes a browser session (cookies, with <code>X-CSRF-Token</code> on writes) or
                an API key as <code>Authorization: Bearer z4k_...</code>, and answers errors as
                <code>{"error", "message", "request_id", "details"}</code>. The README (section HTTP) has the full table.</p>
                <table>
                %s</table>
                </body></html>
                """.formatted(VERSION, Brain.BRAIN_VERSION, h.storage(),
                h.ready() ? "up" : "down", h.ready() ? "UP" : "DOWN",
                upDown(h.database()), upDown(h.pipeline()), upDown(h.registry()), rows);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .send(page.getBytes(StandardCharsets.UTF_8));
    }

    private static String upDown(boolean ok) {
        return ok ? "up" : "down";
    }
}
