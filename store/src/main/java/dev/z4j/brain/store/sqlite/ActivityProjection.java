package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.ActivityFold;
import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes what {@link ActivityFold} collapsed: engine workers and queues seen by new events, agents
 * seen by any event. Times only move forward; an old event does not bring a worker back online.
 */
final class ActivityProjection {
    private static final String UPSERT_WORKER = """
            INSERT INTO workers (id, project_id, engine, name, state, last_heartbeat, created_at, updated_at,
                                 tasks_succeeded, tasks_failed, tasks_retried)
            VALUES (?, ?, ?, ?, 'online', ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                state = CASE WHEN last_heartbeat IS NULL OR excluded.last_heartbeat >= last_heartbeat
                             THEN 'online' ELSE state END,
                last_heartbeat = max(coalesce(last_heartbeat, excluded.last_heartbeat), excluded.last_heartbeat),
                updated_at = excluded.updated_at,
                tasks_succeeded = tasks_succeeded + excluded.tasks_succeeded,
                tasks_failed = tasks_failed + excluded.tasks_failed,
                tasks_retried = tasks_retried + excluded.tasks_retried
            """;

    private static final String UPSERT_QUEUE = """
            INSERT INTO queues (id, project_id, engine, name, last_seen_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                last_seen_at = max(coalesce(last_seen_at, excluded.last_seen_at), excluded.last_seen_at),
                updated_at = excluded.updated_at
            """;

    private static final String TOUCH_AGENT = """
            UPDATE agents SET last_seen_at = max(coalesce(last_seen_at, ?1), ?1) WHERE id = ?2
            """;

    private ActivityProjection() {}

    /** Workers and queues named by the events that were new. */
    static void applyNamed(Connection connection, List<EventRow> inserted, long nowMicros) throws SQLException {
        upsertWorkers(connection, ActivityFold.workers(inserted), nowMicros);
        upsertNamed(connection, UPSERT_QUEUE, ActivityFold.queues(inserted), nowMicros);
    }

    private static void upsertWorkers(Connection connection, Map<ActivityFold.Named, ActivityFold.WorkerSighting> seen,
                                      long nowMicros) throws SQLException {
        if (seen.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_WORKER)) {
            for (Map.Entry<ActivityFold.Named, ActivityFold.WorkerSighting> entry : seen.entrySet()) {
                ActivityFold.Named named = entry.getKey();
                ActivityFold.WorkerSighting w = entry.getValue();
                upsert.setString(1, UUID.randomUUID().toString());
                upsert.setString(2, named.projectId().toString());
                upsert.setString(3, named.engine());
                upsert.setString(4, named.name());
                upsert.setLong(5, Micros.of(w.seen()));
                upsert.setLong(6, nowMicros);
                upsert.setLong(7, nowMicros);
                upsert.setLong(8, w.succeeded());
                upsert.setLong(9, w.failed());
                upsert.setLong(10, w.retried());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** Agents that sent any of {@code received}, resent duplicates included. */
    static void touchAgents(Connection connection, List<EventRow> received) throws SQLException {
        touch(connection, ActivityFold.agents(received));
    }

    private static void upsertNamed(Connection connection, String sql, Map<ActivityFold.Named, Instant> seen,
                                    long nowMicros) throws SQLException {
        if (seen.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(sql)) {
            for (Map.Entry<ActivityFold.Named, Instant> entry : seen.entrySet()) {
                ActivityFold.Named named = entry.getKey();
                upsert.setString(1, UUID.randomUUID().toString());
                upsert.setString(2, named.projectId().toString());
                upsert.setString(3, named.engine());
                upsert.setString(4, named.name());
                upsert.setLong(5, Micros.of(entry.getValue()));
                upsert.setLong(6, nowMicros);
                upsert.setLong(7, nowMicros);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static void touch(Connection connection, Map<UUID, Instant> agents) throws SQLException {
        if (agents.isEmpty()) {
            return;
        }
        try (PreparedStatement touch = connection.prepareStatement(TOUCH_AGENT)) {
            for (Map.Entry<UUID, Instant> entry : agents.entrySet()) {
                touch.setLong(1, Micros.of(entry.getValue()));
                touch.setString(2, entry.getKey().toString());
                touch.addBatch();
            }
            touch.executeBatch();
        }
    }
}
