package dev.z4j.brain.store;

/** A storage failure, classified so callers know whether to retry or to isolate bad data. */
public final class StoreException extends Exception {
    private final boolean transientFailure;

    public StoreException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** True when the same call may succeed later (outage, timeout, deadlock, serialization). */
    public boolean transientFailure() {
        return transientFailure;
    }
}
