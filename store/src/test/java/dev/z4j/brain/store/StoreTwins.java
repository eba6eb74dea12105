package dev.z4j.brain.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import dev.z4j.brain.store.postgres.SharedPostgres;
import dev.z4j.brain.store.sqlite.SqliteDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A PostgreSQL database and a SQLite file fed the same events, and their rows read back in one
 * representation so they can be compared column by column. Each test works in its own twin
 * project (one per store, same events), so tests sharing the twins do not see each other's rows.
 */
final class StoreTwins implements AutoCloseable {
    static final int AGENTS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    // Compared columns of each table must include these (guards against comparing nothing).
    private static final Map<String, List<String>> MUST_COMPARE = Map.of(
            "tasks", List.of("project_id", "engine", "task_id", "name", "queue", "state", "priority", "args", "kwargs",
                    "result", "exception", "traceback", "retry_count", "received_at", "started_at", "finished_at",
                    "runtime_ms", "worker_name", "parent_task_id", "root_task_id", "created_at", "updated_at", "id",
                    "first_received_day", "last_received_day"),
            "workers", List.of("project_id", "engine", "name", "state", "last_heartbeat", "id", "tasks_succeeded",
                    "tasks_failed", "tasks_retried"),
            "queues", List.of("project_id", "engine", "name", "last_seen_at", "id"),
            "events", List.of("project_id", "id", "agent_id", "engine", "task_id", "kind", "occurred_at",
                    "received_at", "received_day", "payload"),
            "agents", List.of("id", "state", "last_seen_at"));
    private static final Map<String, String> SORT_KEY = Map.of(
            "tasks", "engine,task_id", "workers", "engine,name", "queues", "engine,name", "events", "id", "agents", "id");
    // Times the database sets from its own clock: compared as "set", not by value.
    private static final Set<String> WALL_CLOCK = Set.of("created_at", "updated_at");
    // Row ids each database draws at random when it creates the row: compared as "set" too.
    private static final Set<String> RANDOM_ROW_ID = Set.of("tasks", "workers", "queues");

    /** A project created in both stores, with agents at the same indexes. */
    record Twin(UUID pgProject, UUID sqliteProject, List<UUID> pgAgents, List<UUID> sqliteAgents) {}

    private final PostgresDatabase pg;
    private final Database sqlite;
    private final String sqliteUrl;
    private final EventStore pgEvents;
    private final EventStore sqliteEvents;

    private StoreTwins(PostgresDatabase pg, Database sqlite, String sqliteUrl) {
        this.pg = pg;
        this.sqlite = sqlite;
        this.sqliteUrl = sqliteUrl;
        this.pgEvents = pg.eventStore();
        this.sqliteEvents = sqlite.eventStore();
    }

    static StoreTwins open(Path sqliteHome) throws StoreException {
        PostgresDatabase pg = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("twins"));
        Database sqlite = SqliteDatabase.open(new DatabaseConfig(null, sqliteHome, 5_000, 2));
        sqlite.migrate();
        return new StoreTwins(pg, sqlite, "jdbc:sqlite:" + sqliteHome.resolve("z4j.db"));
    }

    Twin newProject() throws StoreException {
        String slug = "p-" + UUID.randomUUID().toString().substring(0, 8);
        UUID pgProject = pg.directory().createProject(slug, "Twin").id();
        UUID sqliteProject = sqlite.directory().createProject(slug, "Twin").id();
        List<UUID> pgAgents = new ArrayList<>();
        List<UUID> sqliteAgents = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            String name = "agent-" + i;
            String hash = slug + "-" + i;
            pgAgents.add(pg.directory().createAgent(pgProject, name, hash).id());
            sqliteAgents.add(sqlite.directory().createAgent(sqliteProject, name, hash).id());
        }
        return new Twin(pgProject, sqliteProject, List.copyOf(pgAgents), List.copyOf(sqliteAgents));
    }

    /** The operator reads of the PostgreSQL twin. */
    dev.z4j.brain.store.read.OperatorReads pgReads() {
        return pg.reads();
    }

    /** The operator reads of the SQLite twin. */
    dev.z4j.brain.store.read.OperatorReads sqliteReads() {
        return sqlite.reads();
    }

    /** Writes {@code batch} to both stores; both must report the same rows as inserted. */
    boolean[] write(Twin twin, List<Ev> batch) throws StoreException {
        boolean[] onPg = pgEvents.write(batch.stream().map(e -> e.row(twin.pgProject(), twin.pgAgents().get(e.agent()))).toList());
        boolean[] onSqlite = sqliteEvents.write(
                batch.stream().map(e -> e.row(twin.sqliteProject(), twin.sqliteAgents().get(e.agent()))).toList());
        assertThat(onSqlite).as("inserted flags, SQLite vs PostgreSQL").isEqualTo(onPg);
        return onPg;
    }

    /** The stale-worker sweep on both stores. */
    void markStaleOffline(Instant cutoff) throws StoreException {
        pg.directory().markStaleOffline(cutoff);
        sqlite.directory().markStaleOffline(cutoff);
    }

    /** Asserts that tasks, workers, queues, events and agents of the twin project are equal, row by row. */
    void assertSameRows(Twin twin) {
        assertSame(pgRows(twin), sqliteRows(twin), MUST_COMPARE.keySet(), "SQLite vs PostgreSQL");
    }

    /** Asserts that two twin projects hold the same rows in {@code tables}, on each database. */
    void assertSameRows(Twin a, Twin b, Set<String> tables) {
        assertSame(pgRows(a), pgRows(b), tables, "PostgreSQL");
        assertSame(sqliteRows(a), sqliteRows(b), tables, "SQLite");
    }

    private static void assertSame(Map<String, List<Map<String, Object>>> expected,
                                   Map<String, List<Map<String, Object>>> actual, Set<String> tables, String what) {
        for (String table : tables) {
            assertThat(actual.get(table)).as("%s rows, %s", table, what).isEqualTo(expected.get(table));
        }
    }

    /** The twin project's rows of {@code table} as PostgreSQL holds them, normalised. */
    List<Map<String, Object>> pgRows(Twin twin, String table) {
        return pgRows(twin).get(table);
    }

    /** The twin project's rows of {@code table} as SQLite holds them, normalised. */
    List<Map<String, Object>> sqliteRows(Twin twin, String table) {
        return sqliteRows(twin).get(table);
    }

    /** One task as PostgreSQL holds it, normalised; fails when there is not exactly one. */
    Map<String, Object> pgTask(Twin twin, String taskId) {
        List<Map<String, Object>> rows = pgRows(twin, "tasks").stream().filter(r -> taskId.equals(r.get("task_id"))).toList();
        assertThat(rows).as("task %s", taskId).hasSize(1);
        return rows.getFirst();
    }

    private Map<String, List<Map<String, Object>>> pgRows(Twin twin) {
        Map<String, String> labels = labels(twin.pgProject(), twin.pgAgents());
        try (Connection c = pg.dataSource().getConnection()) {
            return dump(c, twin.pgProject(), labels);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, List<Map<String, Object>>> sqliteRows(Twin twin) {
        Map<String, String> labels = labels(twin.sqliteProject(), twin.sqliteAgents());
        try (Connection c = DriverManager.getConnection(sqliteUrl)) {
            return dump(c, twin.sqliteProject(), labels);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> labels(UUID project, List<UUID> agents) {
        Map<String, String> labels = new HashMap<>();
        labels.put(project.toString(), "project");
        for (int i = 0; i < agents.size(); i++) {
            labels.put(agents.get(i).toString(), "agent-" + i);
        }
        return labels;
    }

    // Column types come from PostgreSQL's schema; SQLite's values are read into the same shape.
    private Map<String, List<Map<String, Object>>> dump(Connection c, UUID project, Map<String, String> labels)
            throws SQLException {
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        for (String table : MUST_COMPARE.keySet()) {
            Map<String, String> types = pgTypes(table);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE project_id = ?")) {
                if (c.getMetaData().getURL().startsWith("jdbc:sqlite")) {
                    ps.setString(1, project.toString());
                } else {
                    ps.setObject(1, project);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new TreeMap<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String column = md.getColumnLabel(i);
                            String type = types.get(column);
                            if (type != null && (!table.equals("agents") || MUST_COMPARE.get("agents").contains(column))) {
                                boolean randomId = column.equals("id") && RANDOM_ROW_ID.contains(table);
                                row.put(column, randomId ? (rs.getObject(i) == null ? null : "<set>")
                                        : normalise(rs, i, column, type, labels));
                            }
                        }
                        rows.add(row);
                    }
                }
            }
            List<String> key = Arrays.asList(SORT_KEY.get(table).split(","));
            rows.sort(Comparator.comparing(r -> key.stream().map(k -> String.valueOf(r.get(k))).toList().toString()));
            out.put(table, rows);
        }
        return out;
    }

    private final Map<String, Map<String, String>> pgTypeCache = new HashMap<>();

    /** Column name to PostgreSQL type name, for the columns both databases have. */
    private Map<String, String> pgTypes(String table) {
        return pgTypeCache.computeIfAbsent(table, t -> {
            Map<String, String> pgColumns = columns(() -> pg.dataSource().getConnection(), t, true);
            Map<String, String> sqliteColumns = columns(() -> DriverManager.getConnection(sqliteUrl), t, false);
            Map<String, String> both = new LinkedHashMap<>();
            pgColumns.forEach((name, type) -> {
                if (sqliteColumns.containsKey(name)) {
                    both.put(name, type);
                }
            });
            assertThat(both.keySet()).as("columns of %s both databases have", t).containsAll(MUST_COMPARE.get(t));
            return both;
        });
    }

    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private static Map<String, String> columns(ConnectionSource source, String table, boolean postgres) {
        try (Connection c = source.get();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            Map<String, String> columns = new LinkedHashMap<>();
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.put(md.getColumnLabel(i), postgres ? md.getColumnTypeName(i) : "");
            }
            return columns;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object normalise(ResultSet rs, int i, String column, String pgType, Map<String, String> labels)
            throws SQLException {
        boolean sqlite = rs.getStatement().getConnection().getMetaData().getURL().startsWith("jdbc:sqlite");
        Object raw = rs.getObject(i);
        if (raw == null) {
            return null;
        }
        if (WALL_CLOCK.contains(column)) {
            return "<set>";
        }
        return switch (pgType) {
            case "timestamptz" -> sqlite ? micros(((Number) raw).longValue()) : rs.getObject(i, OffsetDateTime.class).toInstant();
            case "date" -> sqlite ? ((Number) raw).longValue() : rs.getObject(i, LocalDate.class).toEpochDay();
            case "uuid" -> labels.getOrDefault(raw.toString(), raw.toString());
            case "jsonb", "json" -> json(raw.toString());
            case "_text" -> sqlite ? json(raw.toString()) : Arrays.asList((Object[]) ((Array) raw).getArray());
            case "int2", "int4", "int8", "serial", "bigserial" -> ((Number) raw).longValue();
            case "bool" -> sqlite ? ((Number) raw).longValue() != 0 : raw;
            default -> text(raw.toString());
        };
    }

    /**
     * Long text as its start, length and a digest: compared just as exactly, but a failure report
     * stays readable when 8192-character values differ.
     */
    static String text(String s) {
        if (s == null || s.length() <= 80) {
            return s;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return s.substring(0, 12) + "...[" + s.codePointCount(0, s.length()) + " chars, sha256 "
                    + HexFormat.of().formatHex(digest, 0, 6) + "]";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** JSON text as plain values: objects as sorted maps, numbers by value (jsonb rewrites their text). */
    static Object json(String text) {
        try {
            return plain(JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                m.put(f.getKey(), plain(f.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (n.isNumber()) {
            return n.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (n.isNull()) {
            return "<json null>";
        }
        return n.isTextual() ? n.textValue() : n.toString();
    }

    /** Compared column names of a table (for the report of what the contract covers). */
    Set<String> comparedColumns(String table) {
        return new LinkedHashSet<>(pgTypes(table).keySet());
    }

    @Override
    public void close() {
        pg.close();
        sqlite.close();
    }
}
