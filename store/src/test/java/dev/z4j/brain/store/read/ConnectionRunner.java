package dev.z4j.brain.store.read;

import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;

/** A {@link JdbcRunner} over plain connections, one per call: for tests that build their own reads. */
public final class ConnectionRunner implements JdbcRunner {
    /** Opens a connection to the test's database. */
    @FunctionalInterface
    public interface Connect {
        Connection open() throws SQLException;
    }

    private final Connect connect;

    public ConnectionRunner(Connect connect) {
        this.connect = connect;
    }

    @Override
    public <T> T read(String what, JdbcWork<T> work) throws StoreException {
        try (Connection c = connect.open()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed", true, e);
        }
    }

    @Override
    public <T> T write(String what, JdbcWork<T> work) throws StoreException {
        return read(what, work);
    }
}
