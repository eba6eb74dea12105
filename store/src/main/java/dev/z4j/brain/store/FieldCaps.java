package dev.z4j.brain.store;

/**
 * The length caps of agent-supplied text, in one place for ingress and both stores.
 *
 * <p>Caps count Unicode code points, as PostgreSQL {@code varchar(n)} and SQLite {@code length()}
 * both do, so a value that passes here always fits the column on either database, and a cut never
 * leaves half of a surrogate pair (which both drivers would store as {@code ?}).
 *
 * <p>Identity fields (engine, kind, task id) are refused when too long; names that point at
 * something else (queue, worker, parent and root task) are dropped when too long, because a cut
 * one would point at the wrong thing; descriptive text (task name, exception, traceback) is cut.
 */
public final class FieldCaps {
    public static final int ENGINE = 40;
    public static final int KIND = 80;
    public static final int TASK_ID = 200;
    /** queue, worker and canvas references (parent_task_id, root_task_id). */
    public static final int REFERENCE = 200;
    public static final int TASK_NAME = 500;
    /** exception and traceback. */
    public static final int FAILURE_TEXT = 8192;

    private FieldCaps() {}

    /** True when {@code s} has at most {@code max} code points. */
    public static boolean fits(String s, int max) {
        int n = s.length();
        // UTF-16 length >= code points, and code points >= half of it: most values decide here.
        return n <= max || (n <= 2 * max && s.codePointCount(0, n) <= max);
    }

    /** {@code s} cut to at most {@code max} code points; null stays null. */
    public static String cut(String s, int max) {
        if (s == null || fits(s, max)) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max));
    }

    /** A reference (queue, worker): non-empty and within {@link #REFERENCE}, else null (absent). */
    public static String reference(String s) {
        return s == null || s.isEmpty() || !fits(s, REFERENCE) ? null : s;
    }
}
