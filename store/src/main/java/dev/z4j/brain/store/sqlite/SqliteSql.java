package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.access.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;

/** The operator-access stores on SQLite: writes on the writer, reads on the reader, TEXT uuids, epoch micros. */
final class SqliteSql extends Sql {
    private final LockedConnection writer;
    private final LockedConnection reader;

    SqliteSql(LockedConnection writer, LockedConnection reader) {
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public <T> T read(String what, Work<T> work) throws StoreException {
        return reader.read(what, work::run);
    }

    @Override
    public <T> T write(String what, Work<T> work) throws StoreException {
        return writer.inTransaction(what, work::run);
    }

    @Override
    public String json() {
        return "?";
    }

    @Override
    public void setTime(PreparedStatement ps, int index, Instant time) throws SQLException {
        ps.setLong(index, Micros.of(time));
    }

    @Override
    public Instant time(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Micros.toInstant(v);
    }

    @Override
    public void setUuid(PreparedStatement ps, int index, UUID id) throws SQLException {
        ps.setString(index, id.toString());
    }

    @Override
    protected void setNull(PreparedStatement ps, int index, NullOf type) throws SQLException {
        ps.setNull(index, type == NullOf.TEXT || type == NullOf.UUID ? Types.VARCHAR : Types.INTEGER);
    }
}
