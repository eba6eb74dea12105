package dev.z4j.brain.ingress.api;

/** The least a caller must be for a route. Project roles rank viewer < operator < admin. */
public enum Need {
    /** Anyone, no credential. */
    NOBODY(0),
    /** Any signed-in user or valid key. */
    SIGNED_IN(0),
    /** {@code users.is_admin}. */
    GLOBAL_ADMIN(0),
    VIEWER(1),
    OPERATOR(2),
    ADMIN(3);

    final int rank;

    Need(int rank) {
        this.rank = rank;
    }

    boolean projectRole() {
        return rank > 0;
    }

    static int rankOf(String role) {
        return switch (role) {
            case "viewer" -> 1;
            case "operator" -> 2;
            case "admin" -> 3;
            default -> 0;
        };
    }

    String role() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
