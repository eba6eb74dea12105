package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What inserted events say besides tasks: engine workers are online with their latest heartbeat,
 * queues were seen, agents were seen. Coalesced per key in Java; times only move forward.
 */
final class ActivityProjection {
    private static final String UPSERT_WORKER = """
            INSERT INTO workers (id, project_id, engine, name, state, last_heartbeat, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'online', ?, ?, ?)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                state = CASE WHEN last_heartbeat IS NULL OR excluded.last_heartbeat >= last_heartbeat
                             THEN 'online' ELSE state END,
                last_heartbeat = max(coalesce(last_heartbeat, excluded.last_heartbeat), excluded.last_heartbeat),
                updated_at = excluded.updated_at
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

    private record Named(UUID projectId, String engine, String name) {}

    private ActivityProjection() {}

    static void apply(Connection connection, List<EventRow> inserted, long nowMicros) throws SQLException {
        Map<Named, Long> workers = new LinkedHashMap<>();
        Map<Named, Long> queues = new LinkedHashMap<>();
        Map<UUID, Long> agents = new LinkedHashMap<>();
        for (EventRow row : inserted) {
            long occurred = Micros.of(row.occurredAt());
            if (row.worker() != null) {
                workers.merge(new Named(row.projectId(), row.engine(), row.worker()), occurred, Math::max);
            }
            if (row.queue() != null) {
                queues.merge(new Named(row.projectId(), row.engine(), row.queue()), occurred, Math::max);
            }
            agents.merge(row.agentId(), Micros.of(row.receivedAt()), Math::max);
        }
        upsertNamed(connection, UPSERT_WORKER, workers, nowMicros);
        upsertNamed(connection, UPSERT_QUEUE, queues, nowMicros);
        touchAgents(connection, agents);
    }

    private static void upsertNamed(Connection connection, String sql, Map<Named, Long> seen, long nowMicros)
            throws SQLException {
        if (seen.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(sql)) {
            for (Map.Entry<Named, Long> entry : seen.entrySet()) {
                Named named = entry.getKey();
                upsert.setString(1, UUID.randomUUID().toString());
                upsert.setString(2, named.projectId().toString());
                upsert.setString(3, named.engine());
                upsert.setString(4, named.name());
                upsert.setLong(5, entry.getValue());
                upsert.setLong(6, nowMicros);
                upsert.setLong(7, nowMicros);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static void touchAgents(Connection connection, Map<UUID, Long> agents) throws SQLException {
        if (agents.isEmpty()) {
            return;
        }
        try (PreparedStatement touch = connection.prepareStatement(TOUCH_AGENT)) {
            for (Map.Entry<UUID, Long> entry : agents.entrySet()) {
                touch.setLong(1, entry.getValue());
                touch.setString(2, entry.getKey().toString());
                touch.addBatch();
            }
            touch.executeBatch();
        }
    }
}
