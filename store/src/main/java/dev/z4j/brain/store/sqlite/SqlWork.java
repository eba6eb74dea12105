package dev.z4j.brain.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run on a connection while its lock is held. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
