package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import com.zaxxer.hikari.HikariDataSource;

/** Runs a unit of work on a pooled connection, committing on success and rolling back on any failure. */
final class Transactions {

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    private final HikariDataSource dataSource;

    Transactions(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> T inTransaction(String action, Work<T> work) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                evictIfBroken(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c);
            }
        } catch (SQLException e) {
            throw PgErrors.translate(action, e);
        } catch (IOException e) {
            throw PgErrors.translate(action, e);
        }
    }

    /**
     * Runs work with each statement committed on its own (the pool's auto-commit): one round trip
     * per statement, where a transaction adds a COMMIT to each, which with the operator API's key
     * and project lookups before each request was three of its six round trips, and one more on
     * each of a command's insert, read and claim on its way to the agent. For reads, and for writes that are one statement each (a
     * statement is atomic alone); statements under READ COMMITTED each see their own snapshot
     * either way. Work whose statements must commit together, or that needs SET LOCAL, goes through
     * {@link #inTransaction}.
     */
    <T> T autoCommitted(String action, Work<T> work) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            try {
                return work.run(c);
            } catch (SQLException | IOException | RuntimeException | Error e) {
                evictIfBroken(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw PgErrors.translate(action, e);
        } catch (IOException e) {
            throw PgErrors.translate(action, e);
        }
    }

    /**
     * COPY runs on the unwrapped pgjdbc connection, so Hikari never sees its I/O errors and would
     * hand the dead connection out again (it skips validation for connections used in the last
     * 500 ms): evict it ourselves so a restarted server is picked up at the next attempt.
     */
    private void evictIfBroken(Connection c, Throwable e) {
        boolean broken = e instanceof IOException
                || (e instanceof SQLException s && PgErrors.isTransient(s) && isConnectionClass(s));
        if (broken) {
            dataSource.evictConnection(c);
        }
    }

    private static boolean isConnectionClass(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException suppressed) {
            cause.addSuppressed(suppressed); // the pool evicts a connection whose rollback failed
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection is discarded by the pool on close
        }
    }
}
