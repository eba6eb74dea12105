package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The ingest hot path: one transaction per batch that COPYs the events into a session-local
 * staging table, merges them into {@code events} skipping duplicates, and applies the task,
 * worker, queue and agent projections with one statement each for the rows really inserted.
 * Owned by one persister thread, so its buffers are reused without locking.
 */
public final class PgEventStore implements EventStore {

    private static final String COPY_EVENTS = """
            COPY z4j_event_staging (ord, project_id, id, agent_id, engine, task_id, kind,
                                    occurred_at, received_at, received_day, payload) FROM STDIN""";

    // DISTINCT ON keeps the first of equal ids in one call; NOT EXISTS catches a resend that
    // straddles midnight UTC (stored under the previous receive day).
    private static final String MERGE_EVENTS = """
            INSERT INTO events (project_id, id, agent_id, engine, task_id, kind,
                                occurred_at, received_at, received_day, payload)
            SELECT DISTINCT ON (s.project_id, s.id)
                   s.project_id, s.id, s.agent_id, s.engine, s.task_id, s.kind,
                   s.occurred_at, s.received_at, s.received_day, s.payload
              FROM z4j_event_staging s
             WHERE NOT EXISTS (SELECT 1 FROM events e
                                WHERE e.project_id = s.project_id AND e.id = s.id
                                  AND e.received_day = s.received_day - 1)
             ORDER BY s.project_id, s.id, s.ord
            ON CONFLICT DO NOTHING
            RETURNING project_id, id""";

    private static final String COPY_TASKS = """
            COPY z4j_task_staging (project_id, engine, task_id, name, queue, last_state, last_state_at,
                                   first_terminal_state, priority, args, kwargs, result, runtime_ms,
                                   exception, traceback, clear_failure, retry_count, received_at,
                                   started_at, finished_at, worker_name, parent_task_id, root_task_id) FROM STDIN""";

    // State precedence (docs/ARCHITECTURE.md, "Task projection") against the row as it was before this batch:
    // terminal beats non-terminal, never the reverse, same tier only if not older than the row's
    // latest lifecycle time. Informational fields are written whatever the state outcome.
    private static final String MERGE_TASKS = """
            INSERT INTO tasks AS t (project_id, engine, task_id, name, queue, state, priority, args, kwargs,
                                    result, exception, traceback, retry_count, received_at, started_at,
                                    finished_at, runtime_ms, worker_name, parent_task_id, root_task_id)
            SELECT s.project_id, s.engine, s.task_id, s.name, s.queue, COALESCE(s.last_state, 'pending'),
                   COALESCE(s.priority, 'normal'), s.args, s.kwargs, s.result, s.exception, s.traceback,
                   COALESCE(s.retry_count, 0), s.received_at, s.started_at, s.finished_at, s.runtime_ms,
                   s.worker_name, s.parent_task_id, s.root_task_id
              FROM z4j_task_staging s
             ORDER BY s.project_id, s.engine, s.task_id
            ON CONFLICT (project_id, engine, task_id) DO UPDATE SET
                (state, priority, retry_count, exception, traceback) = (
                    SELECT CASE
                             WHEN s.last_state IS NULL THEN t.state
                             WHEN t.state IN ('success', 'failure', 'revoked')
                                  AND s.last_state NOT IN ('success', 'failure', 'revoked') THEN t.state
                             WHEN GREATEST(t.finished_at, t.started_at, t.received_at) IS NULL
                                  OR s.last_state_at >= LEAST(GREATEST(t.finished_at, t.started_at, t.received_at), now())
                                  THEN s.last_state
                             WHEN s.first_terminal_state IS NOT NULL
                                  AND t.state NOT IN ('success', 'failure', 'revoked') THEN s.first_terminal_state
                             ELSE t.state
                           END,
                           COALESCE(s.priority, t.priority),
                           COALESCE(s.retry_count, t.retry_count),
                           CASE WHEN s.clear_failure THEN NULL ELSE COALESCE(s.exception, t.exception) END,
                           CASE WHEN s.clear_failure THEN NULL ELSE COALESCE(s.traceback, t.traceback) END
                      FROM z4j_task_staging s
                     WHERE s.project_id = EXCLUDED.project_id AND s.engine = EXCLUDED.engine
                       AND s.task_id = EXCLUDED.task_id),
                name           = COALESCE(EXCLUDED.name, t.name),
                queue          = COALESCE(EXCLUDED.queue, t.queue),
                args           = COALESCE(EXCLUDED.args, t.args),
                kwargs         = COALESCE(EXCLUDED.kwargs, t.kwargs),
                result         = COALESCE(EXCLUDED.result, t.result),
                received_at    = COALESCE(EXCLUDED.received_at, t.received_at),
                started_at     = COALESCE(EXCLUDED.started_at, t.started_at),
                finished_at    = COALESCE(EXCLUDED.finished_at, t.finished_at),
                runtime_ms     = COALESCE(EXCLUDED.runtime_ms, t.runtime_ms),
                worker_name    = COALESCE(EXCLUDED.worker_name, t.worker_name),
                parent_task_id = COALESCE(EXCLUDED.parent_task_id, t.parent_task_id),
                root_task_id   = COALESCE(EXCLUDED.root_task_id, t.root_task_id),
                updated_at     = now()""";

    private static final String UPSERT_WORKERS = """
            INSERT INTO workers AS w (project_id, engine, name, state, last_heartbeat)
            SELECT u.project_id, u.engine, u.name, 'online', u.seen
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[]) AS u(project_id, engine, name, seen)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                state = 'online',
                last_heartbeat = GREATEST(w.last_heartbeat, EXCLUDED.last_heartbeat)""";

    private static final String TOUCH_QUEUES = """
            INSERT INTO queues AS q (project_id, engine, name, last_seen_at)
            SELECT u.project_id, u.engine, u.name, u.seen
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[]) AS u(project_id, engine, name, seen)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                last_seen_at = GREATEST(q.last_seen_at, EXCLUDED.last_seen_at)""";

    // The WHERE skips rows already newer, so replayed old batches neither move it back nor write.
    private static final String TOUCH_AGENTS = """
            UPDATE agents a SET last_seen_at = u.seen
              FROM unnest(?::uuid[], ?::timestamptz[]) AS u(id, seen)
             WHERE a.id = u.id AND (a.last_seen_at IS NULL OR a.last_seen_at < u.seen)""";

    private static final Comparator<EventRow> BY_OCCURRED = Comparator.comparing(EventRow::occurredAt);

    private final Transactions transactions;
    private final CopyBuffer buffer = new CopyBuffer(64 * 1024);

    PgEventStore(Transactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public boolean[] write(List<EventRow> events) throws StoreException {
        if (events.isEmpty()) {
            return new boolean[0];
        }
        return transactions.inTransaction("write events", c -> {
            boolean[] inserted = mergeEvents(c, events);
            projectTasks(c, events, inserted);
            projectWorkersAndQueues(c, events, inserted);
            touchAgents(c, events);
            return inserted;
        });
    }

    private boolean[] mergeEvents(Connection c, List<EventRow> events) throws SQLException {
        encodeEvents(buffer, events);
        copy(c, COPY_EVENTS);
        Map<EventKey, Boolean> fresh = new HashMap<>();
        mergeStaged(c, (project, id) -> fresh.put(new EventKey(project, id), Boolean.TRUE));
        boolean[] inserted = new boolean[events.size()];
        for (int i = 0; i < inserted.length && !fresh.isEmpty(); i++) {
            EventRow e = events.get(i);
            // remove() so that of equal ids only the first one is reported as inserted
            inserted[i] = fresh.remove(new EventKey(e.projectId(), e.id())) != null;
        }
        return inserted;
    }

    /**
     * Merges the rows staged in {@code z4j_event_staging} into {@code events}, skipping duplicates
     * (this receive day and the previous one), and reports each row really inserted. Public so the
     * capacity tool can time this step alone with the exact statements the brain runs.
     */
    public static void mergeStaged(Connection c, BiConsumer<UUID, UUID> inserted) throws SQLException {
        try (Statement st = c.createStatement()) {
            // The duplicate probe must be ~2000 index lookups, one per staged row, each pruned to its
            // previous-day partition: a hash anti-join would scan whole partitions on every batch
            // (measured: the whole events table per 1000-row batch, slower as the table grows).
            st.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
        }
        try (PreparedStatement ps = c.prepareStatement(MERGE_EVENTS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                inserted.accept(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("RESET enable_hashjoin; RESET enable_mergejoin");
        }
    }

    /** The rows of COPY_EVENTS, column for column, replacing what {@code buffer} held. */
    static void encodeEvents(CopyBuffer buffer, List<EventRow> events) {
        buffer.clear();
        for (int i = 0; i < events.size(); i++) {
            EventRow e = events.get(i);
            buffer.number(i).uuid(e.projectId()).uuid(e.id()).uuid(e.agentId()).text(e.engine())
                    .text(e.taskId() == null ? "" : e.taskId()).text(e.kind())
                    .timestamp(e.occurredAt()).timestamp(e.receivedAt()).date(receivedDay(e.receivedAt()))
                    .text(e.payloadJson() == null ? "{}" : e.payloadJson()).endRow();
        }
    }

    /**
     * Public only so the bench module can measure this exact encoding while CopyBuffer stays
     * package-private: each call encodes into the encoder's own reused buffer and returns the bytes written.
     */
    public static ToIntFunction<List<EventRow>> eventCopyEncoder() {
        CopyBuffer own = new CopyBuffer(64 * 1024);
        return events -> {
            encodeEvents(own, events);
            return own.length();
        };
    }

    static LocalDate receivedDay(Instant receivedAt) {
        return LocalDate.ofInstant(receivedAt, ZoneOffset.UTC);
    }

    private void projectTasks(Connection c, List<EventRow> events, boolean[] inserted) throws SQLException {
        Map<TaskKey, List<EventRow>> byTask = new TreeMap<>(); // sorted keys: same lock order on every replica
        for (int i = 0; i < inserted.length; i++) {
            EventRow e = events.get(i);
            if (inserted[i] && e.task() != null && e.taskId() != null && !e.taskId().isEmpty()) {
                byTask.computeIfAbsent(new TaskKey(e.projectId(), e.engine(), e.taskId()), k -> new ArrayList<>()).add(e);
            }
        }
        if (byTask.isEmpty()) {
            return;
        }
        buffer.clear();
        for (Map.Entry<TaskKey, List<EventRow>> entry : byTask.entrySet()) {
            TaskKey key = entry.getKey();
            List<EventRow> taskEvents = entry.getValue();
            taskEvents.sort(BY_OCCURRED); // stable: equal times keep arrival order
            TaskUpdate u = new TaskUpdate(key.projectId(), key.engine(), key.taskId());
            for (EventRow e : taskEvents) {
                u.apply(e);
            }
            buffer.uuid(u.projectId).text(u.engine).text(u.taskId).text(u.name).text(u.queue)
                    .text(u.lastState).timestamp(u.lastStateAt).text(u.firstTerminalState).text(u.priority)
                    .text(u.argsJson).text(u.kwargsJson).text(u.resultJson).number(u.runtimeMs)
                    .text(u.exception).text(u.traceback).bool(u.clearFailure).number(u.retryCount)
                    .timestamp(u.receivedAt).timestamp(u.startedAt).timestamp(u.finishedAt)
                    .text(u.workerName).text(u.parentTaskId).text(u.rootTaskId).endRow();
        }
        copy(c, COPY_TASKS);
        try (PreparedStatement ps = c.prepareStatement(MERGE_TASKS)) {
            ps.executeUpdate();
        }
    }

    private static void projectWorkersAndQueues(Connection c, List<EventRow> events, boolean[] inserted)
            throws SQLException {
        Map<NamedKey, Instant> workers = new TreeMap<>();
        Map<NamedKey, Instant> queues = new TreeMap<>();
        for (int i = 0; i < inserted.length; i++) {
            if (!inserted[i]) {
                continue;
            }
            EventRow e = events.get(i);
            if (e.worker() != null && !e.worker().isEmpty()) {
                workers.merge(new NamedKey(e.projectId(), e.engine(), e.worker()), e.occurredAt(), PgEventStore::later);
            }
            if (e.queue() != null && !e.queue().isEmpty()) {
                queues.merge(new NamedKey(e.projectId(), e.engine(), e.queue()), e.occurredAt(), PgEventStore::later);
            }
        }
        upsertNamed(c, UPSERT_WORKERS, workers);
        upsertNamed(c, TOUCH_QUEUES, queues);
    }

    private static void upsertNamed(Connection c, String sql, Map<NamedKey, Instant> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        String[] projects = new String[n];
        String[] engines = new String[n];
        String[] names = new String[n];
        String[] seen = new String[n];
        int i = 0;
        for (Map.Entry<NamedKey, Instant> r : rows.entrySet()) {
            projects[i] = r.getKey().projectId().toString();
            engines[i] = r.getKey().engine();
            names[i] = r.getKey().name();
            seen[i++] = r.getValue().toString();
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", projects));
            ps.setArray(2, c.createArrayOf("text", engines));
            ps.setArray(3, c.createArrayOf("text", names));
            ps.setArray(4, c.createArrayOf("text", seen));
            ps.executeUpdate();
        }
    }

    private static void touchAgents(Connection c, List<EventRow> events) throws SQLException {
        Map<UUID, Instant> agents = new TreeMap<>();
        for (EventRow e : events) {
            agents.merge(e.agentId(), e.receivedAt(), PgEventStore::later);
        }
        String[] ids = new String[agents.size()];
        String[] seen = new String[agents.size()];
        int i = 0;
        for (Map.Entry<UUID, Instant> a : agents.entrySet()) {
            ids[i] = a.getKey().toString();
            seen[i++] = a.getValue().toString();
        }
        try (PreparedStatement ps = c.prepareStatement(TOUCH_AGENTS)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", seen));
            ps.executeUpdate();
        }
    }

    private void copy(Connection c, String sql) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            in.writeToCopy(buffer.bytes(), 0, buffer.length());
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private record EventKey(UUID projectId, UUID id) {}

    record TaskKey(UUID projectId, String engine, String taskId) implements Comparable<TaskKey> {
        @Override
        public int compareTo(TaskKey o) {
            int c = projectId.compareTo(o.projectId);
            if (c == 0) {
                c = engine.compareTo(o.engine);
            }
            return c != 0 ? c : taskId.compareTo(o.taskId);
        }
    }

    record NamedKey(UUID projectId, String engine, String name) implements Comparable<NamedKey> {
        @Override
        public int compareTo(NamedKey o) {
            int c = projectId.compareTo(o.projectId);
            if (c == 0) {
                c = engine.compareTo(o.engine);
            }
            return c != 0 ? c : name.compareTo(o.name);
        }
    }
}
