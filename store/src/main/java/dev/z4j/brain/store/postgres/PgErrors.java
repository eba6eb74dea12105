package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/** Turns JDBC failures into {@link StoreException}s that say whether a retry can help. */
public final class PgErrors {
    private PgErrors() {}

    public static StoreException translate(String action, SQLException e) {
        String state = e.getSQLState();
        String message = action + " failed" + (state == null ? "" : " [" + state + "]") + ": " + e.getMessage();
        return isBusy(e) ? StoreException.busy(message, e) : new StoreException(message, isTransient(e), refusal(state), e);
    }

    /**
     * The server is up but this call found no room in time: the pool's wait ran out with no
     * connection failure behind it (HikariCP then gives no cause), a statement or lock timeout
     * (57014, 55P03), or the server's connection limit (53300).
     */
    static boolean isBusy(SQLException e) {
        if (e instanceof SQLTransientConnectionException && e.getCause() == null) {
            return true;
        }
        String state = e.getSQLState();
        return "57014".equals(state) || "55P03".equals(state) || "53300".equals(state);
    }

    /** 23505 is a duplicate; the rest of classes 22 (data exception) and 23 (integrity) refuse the value. */
    static StoreException.Refusal refusal(String state) {
        if (state == null || state.length() != 5) {
            return StoreException.Refusal.NONE;
        }
        if (state.equals("23505")) {
            return StoreException.Refusal.CONFLICT;
        }
        return state.startsWith("22") || state.startsWith("23")
                ? StoreException.Refusal.INVALID_DATA : StoreException.Refusal.NONE;
    }

    public static StoreException translate(String action, IOException e) {
        return new StoreException(action + " failed: " + e.getMessage(), true, e);
    }

    /**
     * Outage, timeout, lock and serialization failures are transient; anything the data itself
     * caused (22xxx value errors, 23xxx constraints, 42xxx statement errors) is not.
     */
    public static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return true; // no SQLState: the driver or the pool lost the connection
        }
        if (hasIoCause(e)) {
            return true;
        }
        String sqlClass = state.substring(0, 2);
        return switch (sqlClass) {
            case "08", "53", "57", "58" -> true;   // connection, resources, operator intervention, system I/O
            default -> state.equals("40001") || state.equals("40P01") || state.equals("55P03");
        };
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
