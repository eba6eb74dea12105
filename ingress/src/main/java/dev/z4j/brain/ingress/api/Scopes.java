package dev.z4j.brain.ingress.api;

import java.util.List;
import java.util.Set;

/** API key scopes: {@code resource:read|write}; write implies read; {@code admin:*} allows every mapped route. */
public final class Scopes {
    public static final String ALL = "admin:*";
    /** The catalogue, in the order clients list it. */
    public static final List<String> CATALOGUE = List.of("auth:read", "home:read", "projects:read", "tasks:read",
            "workers:read", "queues:read", "agents:read", "commands:read", "schedules:read", "audit:read",
            "memberships:read", "notifications:read", "tasks:write", "commands:write", "agents:write",
            "projects:write", "memberships:write", "notifications:write", "users:read", "users:write", ALL);
    /** Only global admins may put these on a key. */
    public static final List<String> ADMIN_ONLY = List.of(ALL, "projects:write", "users:read", "users:write");
    private static final Set<String> KNOWN = Set.copyOf(CATALOGUE);

    private Scopes() {}

    public static boolean known(String scope) {
        return KNOWN.contains(scope);
    }

    public static boolean allows(List<String> held, String resource, boolean write) {
        return held.contains(ALL) || held.contains(resource + ":write") || (!write && held.contains(resource + ":read"));
    }
}
