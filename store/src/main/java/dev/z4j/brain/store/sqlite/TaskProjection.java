package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.TaskMerge;
import dev.z4j.brain.store.TaskUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * Writes folded {@link TaskUpdate}s with one upsert each, combined with the stored row by
 * {@link TaskMerge}'s rules. Parameters ?1..?28 are the staged fields in {@link TaskMerge#FIELDS}
 * order; ?29 is now and ?30 the new row's id.
 */
final class TaskProjection {
    private static final int NOW = TaskMerge.FIELDS.size() + 1;
    private static final int ROW_ID = NOW + 1;

    private static final TaskMerge.Dialect DIALECT = new TaskMerge.Dialect() {
        @Override
        public String given(String field) {
            int index = TaskMerge.FIELDS.indexOf(field);
            if (index < 0) {
                throw new IllegalArgumentException("not a staged field: " + field);
            }
            return "?" + (index + 1);
        }

        @Override
        public String stored(String column) {
            return "tasks." + column;
        }

        // SQLite's max() is NULL when any argument is; coalescing each with the others ignores NULLs.
        @Override
        public String latest(String... times) {
            StringJoiner each = new StringJoiner(", ", "max(", ")");
            for (int i = 0; i < times.length; i++) {
                StringJoiner withFallbacks = new StringJoiner(", ", "coalesce(", ")");
                withFallbacks.add(times[i]);
                for (int j = 0; j < times.length; j++) {
                    if (j != i) {
                        withFallbacks.add(times[j]);
                    }
                }
                each.add(withFallbacks.toString());
            }
            return each.toString();
        }

        @Override
        public String earliest(String a, String b) {
            return "min(" + a + ", " + b + ")";
        }

        @Override
        public String now() {
            return "?" + NOW;
        }

        @Override
        public String minusInfinity() {
            return Long.toString(Long.MIN_VALUE);
        }
    };

    private static final String UPSERT = upsert();

    private TaskProjection() {}

    private static String upsert() {
        StringJoiner set = new StringJoiner(",\n    ");
        List<String> columns = TaskMerge.updatedColumns();
        List<String> values = TaskMerge.updateValues(DIALECT);
        for (int i = 0; i < columns.size(); i++) {
            set.add(columns.get(i) + " = " + values.get(i));
        }
        set.add("updated_at = ?" + NOW);
        return "INSERT INTO tasks (id, " + TaskMerge.columnList() + ", created_at, updated_at)\n"
                + "VALUES (?" + ROW_ID + ", " + TaskMerge.insertValues(DIALECT) + ", ?" + NOW + ", ?" + NOW + ")\n"
                + "ON CONFLICT (project_id, engine, task_id) DO UPDATE SET\n    " + set;
    }

    static void apply(Connection connection, List<TaskUpdate> updates, long nowMicros) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            for (TaskUpdate u : updates) {
                int p = 1; // TaskMerge.FIELDS order
                upsert.setString(p++, u.projectId().toString());
                upsert.setString(p++, u.engine());
                upsert.setString(p++, u.taskId());
                upsert.setObject(p++, u.name());
                upsert.setObject(p++, u.queue());
                upsert.setObject(p++, u.priority());
                upsert.setObject(p++, u.argsJson());
                upsert.setObject(p++, u.kwargsJson());
                upsert.setObject(p++, u.resultJson());
                upsert.setObject(p++, u.runtimeMs());
                upsert.setObject(p++, u.retryCount());
                upsert.setObject(p++, u.workerName());
                upsert.setObject(p++, u.parentTaskId());
                upsert.setObject(p++, u.rootTaskId());
                upsert.setInt(p++, u.replacesFailureText() ? 1 : 0);
                upsert.setObject(p++, u.exception());
                upsert.setObject(p++, u.traceback());
                upsert.setObject(p++, Micros.ofNullable(u.receivedAt()));
                upsert.setObject(p++, Micros.ofNullable(u.startedAt()));
                upsert.setObject(p++, Micros.ofNullable(u.finishedAt()));
                upsert.setString(p++, u.insertState());
                upsert.setObject(p++, u.firstTerminalState());
                upsert.setObject(p++, u.lastTerminalState());
                upsert.setObject(p++, Micros.ofNullable(u.lastTerminalAt()));
                upsert.setObject(p++, u.lastNonTerminalState());
                upsert.setObject(p++, Micros.ofNullable(u.lastNonTerminalAt()));
                upsert.setLong(p++, u.firstReceivedDay());
                upsert.setLong(p++, u.lastReceivedDay());
                upsert.setLong(NOW, nowMicros);
                upsert.setString(ROW_ID, UUID.randomUUID().toString());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
