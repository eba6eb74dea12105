package dev.z4j.brain.store.access;

import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What the operator-access stores need from a database: a read and a write unit of work, and the
 * few type bindings where PostgreSQL and SQLite differ (uuid vs TEXT, timestamptz vs epoch
 * microseconds, jsonb vs TEXT). The statements themselves are plain SQL both dialects accept, so
 * each store is written once and tested on both.
 */
public abstract class Sql {

    /** JDBC work on a connection; the caller owns the transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} where it sees the latest committed data; it must not write. */
    public abstract <T> T read(String what, Work<T> work) throws StoreException;

    /** Runs {@code work} in one transaction, committed on success and rolled back on failure. */
    public abstract <T> T write(String what, Work<T> work) throws StoreException;

    /** The placeholder for a JSON parameter ({@code ?::jsonb} on PostgreSQL). */
    public abstract String json();

    public abstract void setTime(PreparedStatement ps, int index, Instant time) throws SQLException;

    public abstract Instant time(ResultSet rs, String column) throws SQLException;

    public abstract void setUuid(PreparedStatement ps, int index, UUID id) throws SQLException;

    public UUID uuid(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : UUID.fromString(s);
    }

    /** Timestamps are kept to the microsecond on both databases; callers compare what they read back. */
    public static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    /** Binds {@code values} in order with the dialect's bindings (Instant, UUID, Boolean, Integer, Long, String, null). */
    public void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            int at = i + 1;
            switch (v) {
                case null -> ps.setNull(at, java.sql.Types.VARCHAR);
                case Instant t -> setTime(ps, at, t);
                case UUID u -> setUuid(ps, at, u);
                case Boolean b -> ps.setBoolean(at, b);
                case Integer n -> ps.setInt(at, n);
                case Long n -> ps.setLong(at, n);
                case String s -> ps.setString(at, s);
                case NullOf n -> setNull(ps, at, n);
                default -> throw new IllegalArgumentException("cannot bind " + v.getClass());
            }
        }
    }

    /** A typed SQL NULL (PostgreSQL wants the type of a NULL uuid or timestamp). */
    public enum NullOf { UUID, TIME, TEXT }

    protected abstract void setNull(PreparedStatement ps, int index, NullOf type) throws SQLException;

    /** {@code value} or a typed NULL. */
    public static Object orNull(UUID value) {
        return value == null ? NullOf.UUID : value;
    }

    public static Object orNull(Instant value) {
        return value == null ? NullOf.TIME : value;
    }

    public static Object orNull(String value) {
        return value == null ? NullOf.TEXT : value;
    }
}
