package dev.z4j.brain.store.sqlite;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.read.ReadDialect;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The operator reads on SQLite: ids as canonical text, times as epoch microseconds, receive days as
 * day numbers, lists as JSON text. Lower-case UUID text sorts as PostgreSQL sorts uuid bytes.
 */
final class SqliteReadDialect implements ReadDialect {
    static final SqliteReadDialect INSTANCE = new SqliteReadDialect();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> TEXTS = new TypeReference<>() {};
    /** "Never started" in the sort key: below every stored time. */
    private static final String NEVER = "-9223372036854775808";

    private SqliteReadDialect() {}

    @Override
    public void bindUuid(PreparedStatement ps, int index, UUID value) throws SQLException {
        ps.setString(index, value.toString());
    }

    @Override
    public void bindTime(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setObject(index, Micros.ofNullable(value));
    }

    @Override
    public void bindDay(PreparedStatement ps, int index, long epochDay) throws SQLException {
        ps.setLong(index, epochDay);
    }

    @Override
    public UUID uuid(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : UUID.fromString(s);
    }

    @Override
    public Instant time(ResultSet rs, String column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Micros.toInstant(micros);
    }

    @Override
    public Long day(ResultSet rs, String column) throws SQLException {
        long day = rs.getLong(column);
        return rs.wasNull() ? null : day;
    }

    @Override
    public List<String> textList(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, TEXTS);
        } catch (IOException e) {
            throw new SQLException("column " + column + " does not hold a JSON array of strings: " + json, e);
        }
    }

    @Override
    public String taskSortKey() {
        return "coalesce(started_at, " + NEVER + ")";
    }

    @Override
    public String taskReceivedInHour() {
        // integer division truncates toward zero: used only for windows after 1970
        return "received_at / 3600000000 = ? / 3600000000";
    }

    @Override
    public String taskSortKeyParam() {
        return "coalesce(?, " + NEVER + ")";
    }

    @Override
    public String contains(String haystack) {
        return "instr(" + haystack + ", ?) > 0";
    }

    // SQLite's built-in lower() folds ASCII letters only (no ICU in sqlite-jdbc).
    @Override
    public String asciiLower(String expression) {
        return "lower(" + expression + ")";
    }

    @Override
    public String bucketOf(String timeColumn) {
        return "(" + timeColumn + " / (? * 1000000))";
    }

    @Override
    public String tableUsing(String table, String index) {
        return table + " INDEXED BY " + index;
    }

    @Override
    public String subqueryFence() {
        return " LIMIT -1 OFFSET 0";
    }

    // No trigram index on SQLite: a search page walks the list (the small, single-process store).
    @Override
    public boolean taskIdSearchIndex(Connection c) {
        return false;
    }
}
