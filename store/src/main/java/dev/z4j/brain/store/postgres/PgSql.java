package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.access.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** The operator-access stores on PostgreSQL: pooled transactions, uuid, timestamptz, jsonb. */
final class PgSql extends Sql {
    private final Transactions transactions;

    PgSql(Transactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public <T> T read(String what, Work<T> work) throws StoreException {
        return transactions.autoCommitted(what, work::run);
    }

    @Override
    public <T> T write(String what, Work<T> work) throws StoreException {
        return transactions.inTransaction(what, work::run);
    }

    @Override
    public String json() {
        return "?::jsonb";
    }

    @Override
    public void setTime(PreparedStatement ps, int index, Instant time) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
    }

    @Override
    public Instant time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void setUuid(PreparedStatement ps, int index, UUID id) throws SQLException {
        ps.setObject(index, id);
    }

    @Override
    protected void setNull(PreparedStatement ps, int index, NullOf type) throws SQLException {
        switch (type) {
            case UUID -> ps.setNull(index, Types.OTHER);
            case TIME -> ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
            case TEXT -> ps.setNull(index, Types.VARCHAR);
        }
    }
}
