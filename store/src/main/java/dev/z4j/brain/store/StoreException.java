package dev.z4j.brain.store;

/**
 * A storage failure, classified so callers know whether to retry, to isolate bad data, or to tell
 * a REST client precisely what was wrong (a duplicate is a 409, a value the database refuses a 400).
 */
public final class StoreException extends Exception {
    private final boolean transientFailure;
    private final Refusal refusal;

    /** What the database refused about the data itself (non-transient failures only). */
    public enum Refusal {
        /** Not a refusal of the data: an outage, or a bug in our statement. */
        NONE,
        /** A unique key already holds that value (PostgreSQL 23505, SQLite UNIQUE/PRIMARY KEY). */
        CONFLICT,
        /** A value the database cannot store (PostgreSQL class 22/23, SQLite CHECK, too big, mismatch). */
        INVALID_DATA
    }

    public StoreException(String message, boolean transientFailure, Throwable cause) {
        this(message, transientFailure, Refusal.NONE, cause);
    }

    public StoreException(String message, boolean transientFailure, Refusal refusal, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.refusal = transientFailure ? Refusal.NONE : refusal;
    }

    /** True when the same call may succeed later (outage, timeout, deadlock, serialization). */
    public boolean transientFailure() {
        return transientFailure;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The row already exists (a unique key holds the value). */
    public boolean conflict() {
        return refusal == Refusal.CONFLICT;
    }
}
