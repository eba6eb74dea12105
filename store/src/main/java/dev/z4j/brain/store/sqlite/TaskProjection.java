package dev.z4j.brain.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Writes folded {@link TaskChange}s with one upsert each. State precedence (docs/ARCHITECTURE.md,
 * "Task projection") is decided in SQL against the stored row: a terminal state beats a non-terminal one; within
 * a tier a change applies only if it is not older than the row's latest lifecycle time (capped at
 * now). Informational fields are written whatever the state decision; timestamps never go back.
 */
final class TaskProjection {
    // The stored row's latest lifecycle time, capped at now (?22); -1 when it has none yet.
    private static final String LIFECYCLE = "min(?22, max(coalesce(received_at, -1), coalesce(started_at, -1), coalesce(finished_at, -1)))";

    private static final String UPSERT = """
            INSERT INTO tasks (id, project_id, engine, task_id, name, queue, state, priority,
                               args, kwargs, result, exception, traceback, retry_count,
                               received_at, started_at, finished_at, runtime_ms, worker_name,
                               parent_task_id, root_task_id, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, 'normal'),
                    ?9, ?10, ?11, ?12, ?13, coalesce(?14, 0),
                    ?15, ?16, ?17, ?18, ?19,
                    ?20, ?21, ?22, ?22)
            ON CONFLICT (project_id, engine, task_id) DO UPDATE SET
                state = CASE
                    WHEN state IN ('success', 'failure', 'revoked')
                        THEN CASE WHEN ?26 >= %1$s THEN ?25 ELSE state END
                    WHEN ?25 IS NOT NULL
                        THEN CASE WHEN ?26 >= %1$s THEN ?25 ELSE ?24 END
                    WHEN ?28 >= %1$s THEN ?27
                    ELSE state END,
                name           = coalesce(?5, name),
                queue          = coalesce(?6, queue),
                priority       = coalesce(?8, priority),
                args           = coalesce(?9, args),
                kwargs         = coalesce(?10, kwargs),
                result         = coalesce(?11, result),
                exception      = CASE WHEN ?23 THEN ?12 ELSE exception END,
                traceback      = CASE WHEN ?23 THEN ?13 ELSE traceback END,
                retry_count    = coalesce(?14, retry_count),
                received_at    = max(coalesce(received_at, ?15), coalesce(?15, received_at)),
                started_at     = max(coalesce(started_at, ?16), coalesce(?16, started_at)),
                finished_at    = max(coalesce(finished_at, ?17), coalesce(?17, finished_at)),
                runtime_ms     = coalesce(?18, runtime_ms),
                worker_name    = coalesce(?19, worker_name),
                parent_task_id = coalesce(?20, parent_task_id),
                root_task_id   = coalesce(?21, root_task_id),
                updated_at     = ?22
            """.formatted(LIFECYCLE);

    private TaskProjection() {}

    static void apply(Connection connection, List<TaskChange> changes, long nowMicros) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            for (TaskChange c : changes) {
                upsert.setString(1, UUID.randomUUID().toString());
                upsert.setString(2, c.key.projectId().toString());
                upsert.setString(3, c.key.engine());
                upsert.setString(4, c.key.taskId());
                upsert.setObject(5, c.name);
                upsert.setObject(6, c.queue);
                upsert.setString(7, c.insertState());
                upsert.setObject(8, c.priority);
                upsert.setObject(9, c.argsJson);
                upsert.setObject(10, c.kwargsJson);
                upsert.setObject(11, c.resultJson);
                upsert.setObject(12, c.exception);
                upsert.setObject(13, c.traceback);
                upsert.setObject(14, c.retryCount);
                upsert.setObject(15, c.receivedAt);
                upsert.setObject(16, c.startedAt);
                upsert.setObject(17, c.finishedAt);
                upsert.setObject(18, c.runtimeMs);
                upsert.setObject(19, c.workerName);
                upsert.setObject(20, c.parentTaskId);
                upsert.setObject(21, c.rootTaskId);
                upsert.setLong(22, nowMicros);
                upsert.setInt(23, c.failureFieldsSet ? 1 : 0);
                upsert.setObject(24, c.firstTerminalState);
                upsert.setObject(25, c.lastTerminalState);
                upsert.setObject(26, c.lastTerminalAt);
                upsert.setObject(27, c.lastNonTerminalState);
                upsert.setObject(28, c.lastNonTerminalAt);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
