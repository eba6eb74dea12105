package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.TaskFacts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A migrated database in a temp folder with one project and one agent, plus event builders. */
final class SqliteFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    final Path home;
    Database db;
    final UUID projectId;
    final UUID agentId;

    SqliteFixture(Path home) throws StoreException {
        this(home, 5_000);
    }

    SqliteFixture(Path home, int busyTimeoutMs) throws StoreException {
        this.home = home;
        this.db = open(home, busyTimeoutMs);
        db.migrate();
        this.projectId = db.directory().createProject("p-" + UUID.randomUUID().toString().substring(0, 8), "Project").id();
        this.agentId = db.directory().createAgent(projectId, "agent-1", "hash-" + UUID.randomUUID()).id();
    }

    static Database open(Path home, int busyTimeoutMs) throws StoreException {
        return SqliteDatabase.open(new DatabaseConfig(null, home, busyTimeoutMs, 2));
    }

    /** Simulates a brain restart on the same file. */
    void reopen() throws StoreException {
        db.close();
        db = open(home, 5_000);
        db.migrate();
    }

    Directory directory() {
        return db.directory();
    }

    String url() {
        return "jdbc:sqlite:" + home.resolve(SqliteDatabase.FILE_NAME);
    }

    /** Rows of a query run on a separate raw connection, as column-name maps. */
    List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(url());
             PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        // SQLite INTEGER comes back as Integer or Long by magnitude; compare as Long.
                        row.put(md.getColumnLabel(i), value instanceof Integer n ? Long.valueOf(n) : value);
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Runs a statement on a separate raw connection (to tamper with rows behind the store's back). */
    void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url());
             java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    Map<String, Object> one(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.getFirst();
    }

    long count(String sql, Object... params) {
        return ((Number) one(sql, params).values().iterator().next()).longValue();
    }

    Map<String, Object> task(String taskId) {
        return one("SELECT * FROM tasks WHERE project_id = ? AND engine = 'celery' AND task_id = ?", projectId.toString(), taskId);
    }

    /** A plain event of a non-task kind. */
    EventRow event(String kind, Instant occurredAt) {
        return new EventRow(UUID.randomUUID(), projectId, agentId, "celery", "", kind, occurredAt, occurredAt,
                "{\"k\":1}", null, null, null);
    }

    EventRow taskEvent(String taskId, String kind, Instant occurredAt, TaskFacts facts) {
        return new EventRow(UUID.randomUUID(), projectId, agentId, "celery", taskId, kind, occurredAt, occurredAt,
                "{}", facts, null, null);
    }

    static TaskFacts facts(String state) {
        return new TaskFacts(state, null, null, null, null, null, null, null, null, null, null, null);
    }

    EventRow received(String taskId, Instant at) {
        return withQueue(taskEvent(taskId, "task.received", at,
                new TaskFacts("received", "app.add", null, "[1,2]", "{}", null, null, null, null, null, null, null)), "default");
    }

    EventRow started(String taskId, Instant at) {
        return withWorker(taskEvent(taskId, "task.started", at, facts("started")), "celery@host");
    }

    EventRow succeeded(String taskId, Instant at) {
        return taskEvent(taskId, "task.succeeded", at,
                new TaskFacts("success", null, null, null, null, "3", 42L, null, null, null, null, null));
    }

    EventRow failed(String taskId, Instant at, String exception, String traceback) {
        return taskEvent(taskId, "task.failed", at,
                new TaskFacts("failure", null, null, null, null, null, null, exception, traceback, null, null, null));
    }

    static EventRow withQueue(EventRow e, String queue) {
        return new EventRow(e.id(), e.projectId(), e.agentId(), e.engine(), e.taskId(), e.kind(), e.occurredAt(),
                e.receivedAt(), e.payloadJson(), e.task(), queue, e.worker());
    }

    static EventRow withWorker(EventRow e, String worker) {
        return new EventRow(e.id(), e.projectId(), e.agentId(), e.engine(), e.taskId(), e.kind(), e.occurredAt(),
                e.receivedAt(), e.payloadJson(), e.task(), e.queue(), worker);
    }

    static EventRow receivedAt(EventRow e, Instant receivedAt) {
        return new EventRow(e.id(), e.projectId(), e.agentId(), e.engine(), e.taskId(), e.kind(), e.occurredAt(),
                receivedAt, e.payloadJson(), e.task(), e.queue(), e.worker());
    }

    List<EventRow> plainEvents(int n, Instant receivedAt) {
        List<EventRow> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(receivedAt(event("worker.heartbeat", receivedAt.minusMillis(i)), receivedAt));
        }
        return events;
    }

    static long micros(Instant t) {
        return Micros.of(t);
    }

    @Override
    public void close() {
        db.close();
    }
}
