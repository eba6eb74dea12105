package dev.z4j.brain.store.read;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work on a connection the runner owns for its duration. */
@FunctionalInterface
public interface JdbcWork<T> {
    T run(Connection connection) throws SQLException;
}
