package dev.z4j.brain.store;

/**
 * A storage failure, classified so callers know whether to retry, to isolate bad data, or to tell
 * a REST client precisely what was wrong (a duplicate is a 409, a value the database refuses a 400).
 */
public final class StoreException extends Exception {
    private final boolean transientFailure;
    private final Refusal refusal;
    private final boolean busy;

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
        this(message, transientFailure, refusal, false, cause);
    }

    private StoreException(String message, boolean transientFailure, Refusal refusal, boolean busy, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.refusal = transientFailure ? Refusal.NONE : refusal;
        this.busy = busy;
    }

    /**
     * The database is up but had no room for this call in time: no pooled connection came free, a
     * statement or lock wait ran out, SQLite's file was locked. Transient, and not an outage.
     */
    public static StoreException busy(String message, Throwable cause) {
        return new StoreException(message, true, Refusal.NONE, true, cause);
    }

    /** True when the same call may succeed later (outage, timeout, deadlock, serialization). */
    public boolean transientFailure() {
        return transientFailure;
    }

    /** See {@link #busy(String, Throwable)}: an outage says false. */
    public boolean busy() {
        return busy;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The row already exists (a unique key holds the value). */
    public boolean conflict() {
        return refusal == Refusal.CONFLICT;
    }
}
