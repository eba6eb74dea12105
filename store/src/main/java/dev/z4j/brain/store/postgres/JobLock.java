package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.Database.StoreJob;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Cluster-wide "no other replica runs this job right now": a session advisory lock tried with
 * pg_try_advisory_lock for one run only, on a connection held for the whole run, so the lock dies
 * with the session if the replica does. There is no leader: every run is a fresh try, and
 * whichever replica gets the lock for that run does it.
 */
final class JobLock {
    private final DataSource dataSource;

    JobLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    boolean runIfFree(String lockName, StoreJob job) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            if (!call(c, "SELECT pg_try_advisory_lock(hashtext(?))", lockName)) {
                return false;
            }
            try {
                job.run();
            } finally {
                call(c, "SELECT pg_advisory_unlock(hashtext(?))", lockName);
            }
            return true;
        } catch (SQLException e) {
            throw PgErrors.translate("job lock " + lockName, e);
        }
    }

    private static boolean call(Connection c, String sql, String lockName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, lockName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
