package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite connection shared by many threads, one at a time. The writer instance serialises all
 * writes of the process (SQLite allows a single writer per file anyway).
 */
final class LockedConnection implements AutoCloseable {
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    LockedConnection(Connection connection) {
        this.connection = connection;
    }

    /** Runs {@code work} in one IMMEDIATE transaction: the write lock is taken up front, never upgraded. */
    <T> T inTransaction(String what, SqlWork<T> work) throws StoreException {
        lock.lock();
        try (Statement control = connection.createStatement()) {
            control.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(connection);
                control.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(control, e);
                throw e;
            }
        } catch (SQLException e) {
            throw SqliteErrors.wrap(what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in autocommit mode (each statement sees the latest committed data). */
    <T> T read(String what, SqlWork<T> work) throws StoreException {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw SqliteErrors.wrap(what, e);
        } finally {
            lock.unlock();
        }
    }

    // Some errors (for example SQLITE_FULL) roll back by themselves; then this ROLLBACK fails harmlessly.
    private static void rollbackQuietly(Statement control, Exception cause) {
        try {
            control.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing at shutdown: nothing left to do with a failure.
        } finally {
            lock.unlock();
        }
    }
}
