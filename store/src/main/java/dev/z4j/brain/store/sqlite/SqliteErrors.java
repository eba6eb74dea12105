package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.StoreException;
import java.sql.SQLException;
import org.sqlite.SQLiteException;

/** Classifies SQLite failures: retry later (lock, I/O, disk) or refuse the data (constraint, size). */
final class SqliteErrors {
    // Primary result codes (the low byte of extended codes), from sqlite3.h.
    private static final int SQLITE_NOMEM = 7;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_INTERRUPT = 9;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_PROTOCOL = 15;
    private static final int SQLITE_TOOBIG = 18;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_MISMATCH = 20;
    // Extended codes of SQLITE_CONSTRAINT that mean "a row with that key exists".
    private static final int SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
    private static final int SQLITE_CONSTRAINT_UNIQUE = 2067;

    private SqliteErrors() {}

    static StoreException wrap(String what, SQLException e) {
        String message = what + " failed: " + e.getMessage();
        return isBusy(e) ? StoreException.busy(message, e) : new StoreException(message, isTransient(e), refusal(e), e);
    }

    /** Another connection held the file's lock past the busy timeout. */
    static boolean isBusy(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            return false;
        }
        int code = sqlite.getResultCode().code & 0xFF;
        return code == SQLITE_BUSY || code == SQLITE_LOCKED;
    }

    static StoreException.Refusal refusal(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            return StoreException.Refusal.NONE;
        }
        int code = sqlite.getResultCode().code;
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
            return StoreException.Refusal.CONFLICT;
        }
        return switch (code & 0xFF) {
            case SQLITE_CONSTRAINT, SQLITE_TOOBIG, SQLITE_MISMATCH -> StoreException.Refusal.INVALID_DATA;
            default -> StoreException.Refusal.NONE;
        };
    }

    static boolean isTransient(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            // Not raised by the engine (closed connection, driver state): the data is not at fault.
            return true;
        }
        return switch (sqlite.getResultCode().code & 0xFF) {
            case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN,
                 SQLITE_PROTOCOL, SQLITE_NOMEM, SQLITE_INTERRUPT -> true;
            default -> false;
        };
    }
}
