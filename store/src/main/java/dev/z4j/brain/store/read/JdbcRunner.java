package dev.z4j.brain.store.read;

import dev.z4j.brain.store.StoreException;

/**
 * How a database runs the operator reads: PostgreSQL on a pooled connection in a transaction,
 * SQLite on its reader connection (reads) or its writer (writes), each under its own lock. Failures
 * come back classified as {@link StoreException}s.
 */
public interface JdbcRunner {
    <T> T read(String what, JdbcWork<T> work) throws StoreException;

    /**
     * A read nobody waits for (a count replaced in the background): where reads take turns, such
     * reads hold one of the turns at most, so they never take every turn requests wait for.
     */
    default <T> T readInBackground(String what, JdbcWork<T> work) throws StoreException {
        return read(what, work);
    }

    <T> T write(String what, JdbcWork<T> work) throws StoreException;
}
