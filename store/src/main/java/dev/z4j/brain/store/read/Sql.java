package dev.z4j.brain.store.read;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** A statement built piece by piece with its parameters in placeholder order. */
final class Sql {
    @FunctionalInterface
    private interface Param {
        void bind(PreparedStatement ps, int index, ReadDialect dialect) throws SQLException;
    }

    private final StringBuilder text = new StringBuilder();
    private final List<Param> params = new ArrayList<>();

    Sql(String start) {
        text.append(start);
    }

    Sql sql(String fragment) {
        text.append(fragment);
        return this;
    }

    /** Writes {@code other}'s text and binds its parameters, in place. */
    Sql sql(Sql other) {
        text.append(other.text);
        params.addAll(other.params);
        return this;
    }

    /** Binds the next placeholder already written. */
    Sql uuid(UUID value) {
        params.add((ps, i, d) -> d.bindUuid(ps, i, value));
        return this;
    }

    Sql time(Instant value) {
        params.add((ps, i, d) -> d.bindTime(ps, i, value));
        return this;
    }

    Sql day(long epochDay) {
        params.add((ps, i, d) -> d.bindDay(ps, i, epochDay));
        return this;
    }

    Sql text(String value) {
        params.add((ps, i, d) -> ps.setString(i, value));
        return this;
    }

    Sql number(long value) {
        params.add((ps, i, d) -> ps.setLong(i, value));
        return this;
    }

    /** Writes "(?, ?, ...)" for the texts and binds them. */
    Sql textList(Collection<String> values) {
        text.append('(');
        String sep = "";
        for (String v : values) {
            text.append(sep).append('?');
            text(v);
            sep = ", ";
        }
        text.append(')');
        return this;
    }

    /** Writes "(?, ?, ...)" for the ids and binds them. */
    Sql uuidList(Collection<UUID> values) {
        text.append('(');
        String sep = "";
        for (UUID v : values) {
            text.append(sep).append('?');
            uuid(v);
            sep = ", ";
        }
        text.append(')');
        return this;
    }

    PreparedStatement prepare(Connection c, ReadDialect dialect) throws SQLException {
        PreparedStatement ps = c.prepareStatement(text.toString());
        try {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).bind(ps, i + 1, dialect);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
