package dev.z4j.brain.ingress.api;

import java.util.Locale;

/** A project role, lowest first: each one may do what the ones before it may. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean atLeast(Role need) {
        return compareTo(need) >= 0;
    }

    /** As the API spells it: viewer, operator, admin. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
