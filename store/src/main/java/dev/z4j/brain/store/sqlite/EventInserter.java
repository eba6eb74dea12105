package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Inserts events with multi-row {@code INSERT ... ON CONFLICT DO NOTHING RETURNING}, chunked to
 * stay far below SQLite's bound-variable limit, and reports which inputs created a row.
 */
final class EventInserter {
    // 100 rows x 10 columns = 1000 bound variables, far below SQLite's limit of 32766.
    static final int ROWS_PER_STATEMENT = 100;
    private static final String PREFIX = """
            INSERT INTO events (project_id, id, agent_id, engine, task_id, kind,
                                occurred_at, received_at, received_day, payload)
            VALUES """;
    private static final String ROW = "(?,?,?,?,?,?,?,?,?,?)";
    private static final String SUFFIX = " ON CONFLICT (project_id, id) DO NOTHING RETURNING project_id, id";

    private record Key(UUID projectId, UUID id) {}

    private EventInserter() {}

    /**
     * Returns {@code inserted[i]}, true iff {@code events.get(i)} created a row; a repeated id in
     * the same call is never sent to the database, so only its first occurrence can be true.
     */
    static boolean[] insert(Connection connection, List<EventRow> events) throws SQLException {
        Map<Key, Integer> firstIndex = new HashMap<>(events.size() * 2);
        List<EventRow> unique = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EventRow row = events.get(i);
            if (firstIndex.putIfAbsent(new Key(row.projectId(), row.id()), i) == null) {
                unique.add(row);
            }
        }
        Set<Key> created = new HashSet<>(unique.size() * 2);
        try (PreparedStatement full = unique.size() >= ROWS_PER_STATEMENT ? connection.prepareStatement(sql(ROWS_PER_STATEMENT)) : null) {
            for (int from = 0; from < unique.size(); from += ROWS_PER_STATEMENT) {
                int to = Math.min(from + ROWS_PER_STATEMENT, unique.size());
                List<EventRow> chunk = unique.subList(from, to);
                if (chunk.size() == ROWS_PER_STATEMENT) {
                    run(full, chunk, created);
                } else {
                    try (PreparedStatement tail = connection.prepareStatement(sql(chunk.size()))) {
                        run(tail, chunk, created);
                    }
                }
            }
        }
        boolean[] inserted = new boolean[events.size()];
        for (Key key : created) {
            inserted[firstIndex.get(key)] = true;
        }
        return inserted;
    }

    private static void run(PreparedStatement insert, List<EventRow> chunk, Set<Key> created) throws SQLException {
        int p = 0;
        for (EventRow row : chunk) {
            long receivedAt = Micros.of(row.receivedAt());
            insert.setString(++p, row.projectId().toString());
            insert.setString(++p, row.id().toString());
            insert.setString(++p, row.agentId().toString());
            insert.setString(++p, row.engine());
            insert.setString(++p, row.taskId());
            insert.setString(++p, row.kind());
            insert.setLong(++p, Micros.of(row.occurredAt()));
            insert.setLong(++p, receivedAt);
            insert.setLong(++p, Micros.day(receivedAt));
            insert.setString(++p, row.payloadJson());
        }
        try (ResultSet rows = insert.executeQuery()) {
            while (rows.next()) {
                created.add(new Key(UUID.fromString(rows.getString(1)), UUID.fromString(rows.getString(2))));
            }
        }
    }

    private static String sql(int rows) {
        StringBuilder sql = new StringBuilder(PREFIX.length() + rows * (ROW.length() + 1) + SUFFIX.length());
        sql.append(PREFIX);
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append(ROW);
        }
        return sql.append(SUFFIX).toString();
    }
}
