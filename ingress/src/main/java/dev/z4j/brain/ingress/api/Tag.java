package dev.z4j.brain.ingress.api;

/**
 * A route group. Its {@code resource} is what an API key's scope must name ({@code resource:read}
 * for GET, {@code resource:write} otherwise); public tags need no credential; {@code auth} is for
 * browsers only; a tag without a resource is unreachable with a key.
 */
public enum Tag {
    HEALTH("health", null, true),
    SETUP("setup", null, true),
    META("openapi", null, true),
    AUTH("auth", null, false),
    HOME("home", "home", false),
    PROJECTS("projects", "projects", false),
    AGENTS("agents", "agents", false),
    TASKS("tasks", "tasks", false),
    EVENTS("events", "tasks", false),
    STATS("stats", "tasks", false),
    WORKERS("workers", "workers", false),
    QUEUES("queues", "queues", false),
    COMMANDS("commands", "commands", false),
    AUDIT("audit", "audit", false),
    MEMBERSHIPS("memberships", "memberships", false),
    USERS("users", "users", false),
    API_KEYS("api-keys", "admin", false),
    NOTIFICATIONS("user-notifications", "notifications", false),
    SCHEDULES("schedules", "schedules", false),
    DASHBOARD("dashboard", "dashboard", false),
    /** Browser sessions only, as in the original (no scope maps to it). */
    TRENDS("trends", null, false),
    SYSTEM("system", null, false);

    public final String label;
    public final String resource;
    public final boolean isPublic;

    Tag(String label, String resource, boolean isPublic) {
        this.label = label;
        this.resource = resource;
        this.isPublic = isPublic;
    }
}
