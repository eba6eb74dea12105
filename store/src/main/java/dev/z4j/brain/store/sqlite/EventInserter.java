package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Inserts events with one reused prepared {@code INSERT ... ON CONFLICT DO NOTHING} run as a JDBC
 * batch; each row's change count (1 or 0) says whether it created a row. Measured against chunked
 * 100-row multi-row INSERT ... RETURNING on 20 x 500 events: the batch was as fast or faster and
 * needs no SQL building, no variable-limit chunking and no parsing of returned ids.
 */
final class EventInserter {
    private static final String INSERT = """
            INSERT INTO events (project_id, id, agent_id, engine, task_id, kind,
                                occurred_at, received_at, received_day, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, id) DO NOTHING""";

    private record Key(UUID projectId, UUID id) {}

    private EventInserter() {}

    /**
     * Returns {@code inserted[i]}, true iff {@code events.get(i)} created a row; a repeated id in
     * the same call is not sent to the database, so only its first occurrence can be true.
     */
    static boolean[] insert(Connection connection, List<EventRow> events) throws SQLException {
        boolean[] inserted = new boolean[events.size()];
        int[] sentIndex = new int[events.size()];
        int sent = 0;
        Set<Key> seen = new HashSet<>(events.size() * 2);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int i = 0; i < events.size(); i++) {
                EventRow row = events.get(i);
                if (!seen.add(new Key(row.projectId(), row.id()))) {
                    continue;
                }
                long receivedAt = Micros.of(row.receivedAt());
                insert.setString(1, row.projectId().toString());
                insert.setString(2, row.id().toString());
                insert.setString(3, row.agentId().toString());
                insert.setString(4, row.engine());
                insert.setString(5, row.taskId());
                insert.setString(6, row.kind());
                insert.setLong(7, Micros.of(row.occurredAt()));
                insert.setLong(8, receivedAt);
                insert.setLong(9, Micros.day(receivedAt));
                insert.setString(10, row.payloadJson());
                insert.addBatch();
                sentIndex[sent++] = i;
            }
            int[] changes = insert.executeBatch();
            for (int j = 0; j < sent; j++) {
                inserted[sentIndex[j]] = changes[j] == 1;
            }
        }
        return inserted;
    }
}
