package dev.z4j.brain.store.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Small JDBC helpers shared by the operator-access stores. */
final class Rows {
    private Rows() {}

    static long count(Connection c, String query) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static int update(Connection c, Sql sql, String statement, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            sql.bind(ps, args);
            return ps.executeUpdate();
        }
    }
}
