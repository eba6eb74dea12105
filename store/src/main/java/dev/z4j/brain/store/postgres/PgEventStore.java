package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.ActivityFold;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.TaskFold;
import dev.z4j.brain.store.TaskMerge;
import dev.z4j.brain.store.TaskUpdate;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyIn;

/**
 * The ingest hot path: one transaction per batch that asks which of its event ids are stored
 * already (one statement of index probes), COPYs the new ones straight into {@code events}, folds
 * the new rows per task in memory, then in one round trip stages those task rows (arrays into a
 * session-local staging table) and runs one statement for every projection: the set-wise task
 * merge, the workers and queues the new rows name, and the agents of all rows. Owned
 * by one persister thread, so its buffers are reused without locking.
 *
 * <p>Another writer (a second brain) can store one of the ids between the probe and the COPY; the
 * COPY then fails on the primary key and the batch is written again through the slower staging
 * merge, whose ON CONFLICT waits for that writer and skips its rows. So a row is never stored twice
 * and never lost, as with the merge alone.
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

    private static final String COPY_NEW_EVENTS = """
            COPY events (project_id, id, agent_id, engine, task_id, kind,
                         occurred_at, received_at, received_day, payload) FROM STDIN""";

    // The positions of the given ids stored already, on their receive day or the day before (a
    // resend that straddles midnight UTC), the same days the merge checks. LATERAL with LIMIT runs
    // one primary-key probe per id, pruned at run time to those two partitions; a hash join would
    // scan whole partitions instead (measured on the merge: the whole events table per batch).
    // The batch's own span of days (the last two parameters) prunes at plan time too: planned per
    // batch (see storedIds), the statement would otherwise plan a probe of every partition kept
    // (measured with 39 partitions, a warm backend: 0.56 ms of planning per batch against 0.23 ms).
    static final String STORED_IDS = """
            SELECT u.ord
              FROM unnest(?::uuid[], ?::uuid[], ?::date[]) WITH ORDINALITY AS u(project_id, id, day, ord)
             CROSS JOIN LATERAL (SELECT 1 FROM events e
                                  WHERE e.project_id = u.project_id AND e.id = u.id
                                    AND e.received_day BETWEEN u.day - 1 AND u.day
                                    AND e.received_day BETWEEN ?::date - 1 AND ?::date
                                  LIMIT 1) AS hit""";

    /** The staging table's type of each of TaskMerge.FIELDS, in order. */
    private static final List<String> TASK_FIELD_TYPES = List.of(
            "uuid", "text", "text", "text", "text", "text", "jsonb", "jsonb", "jsonb", "bigint", "integer", "text",
            "text", "text", "boolean", "text", "text", "timestamptz", "timestamptz", "timestamptz", "text", "text",
            "text", "timestamptz", "text", "timestamptz", "date", "date");

    // One array per field (none when no task changed), so the rows travel with the projection
    // statement below instead of in a COPY of their own (two round trips fewer per batch).
    private static final String STAGE_TASKS = "INSERT INTO z4j_task_staging (" + String.join(", ", TaskMerge.FIELDS)
            + ")\nSELECT * FROM unnest(" + String.join(", ", TASK_FIELD_TYPES.stream().map(t -> "?::" + t + "[]").toList())
            + ")";

    /** TaskMerge's rules over the staging row {@code s} and the stored row {@code t}. */
    private static final TaskMerge.Dialect DIALECT = new TaskMerge.Dialect() {
        @Override
        public String given(String field) {
            return "s." + field;
        }

        @Override
        public String stored(String column) {
            return "t." + column;
        }

        @Override
        public String latest(String... times) {
            return "GREATEST(" + String.join(", ", times) + ")"; // ignores NULLs
        }

        @Override
        public String earliest(String a, String b) {
            return "LEAST(" + a + ", " + b + ")";
        }

        @Override
        public String now() {
            return "now()";
        }

        @Override
        public String minusInfinity() {
            return "'-infinity'::timestamptz";
        }
    };

    // One folded row per task (TaskFold), combined with the stored row by TaskMerge's rules. The
    // update reads its staging row through a subquery (a primary-key lookup) because EXCLUDED
    // only carries tasks columns, not the fold's state facts.
    private static final String MERGE_TASKS = """
            INSERT INTO tasks AS t (%s)
            SELECT %s
              FROM z4j_task_staging s
             ORDER BY s.project_id, s.engine, s.task_id
            ON CONFLICT (project_id, engine, task_id) DO UPDATE SET
                (%s, updated_at) = (
                    SELECT %s, now()
                      FROM z4j_task_staging s
                     WHERE s.project_id = EXCLUDED.project_id AND s.engine = EXCLUDED.engine
                       AND s.task_id = EXCLUDED.task_id)
            RETURNING t.project_id, t.engine, t.task_id, t.xmax = 0 AS inserted""".formatted(
            TaskMerge.columnList(), TaskMerge.insertValues(DIALECT),
            String.join(", ", TaskMerge.updatedColumns()), String.join(",\n                           ", TaskMerge.updateValues(DIALECT)));

    // queues '{}' (none known yet), as on SQLite, whose column cannot be NULL.
    private static final String UPSERT_WORKERS = """
            INSERT INTO workers AS w (project_id, engine, name, state, last_heartbeat, queues,
                                      tasks_succeeded, tasks_failed, tasks_retried)
            SELECT u.project_id, u.engine, u.name, 'online', u.seen, '{}', u.succeeded, u.failed, u.retried
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[])
                   AS u(project_id, engine, name, seen, succeeded, failed, retried)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                state = CASE WHEN w.last_heartbeat IS NULL OR EXCLUDED.last_heartbeat >= w.last_heartbeat
                             THEN 'online' ELSE w.state END,
                last_heartbeat = GREATEST(w.last_heartbeat, EXCLUDED.last_heartbeat),
                tasks_succeeded = w.tasks_succeeded + EXCLUDED.tasks_succeeded,
                tasks_failed = w.tasks_failed + EXCLUDED.tasks_failed,
                tasks_retried = w.tasks_retried + EXCLUDED.tasks_retried""";

    private static final String TOUCH_QUEUES = """
            INSERT INTO queues AS q (project_id, engine, name, last_seen_at)
            SELECT u.project_id, u.engine, u.name, u.seen
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[]) AS u(project_id, engine, name, seen)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET
                last_seen_at = GREATEST(q.last_seen_at, EXCLUDED.last_seen_at)""";

    // The batch's agents locked in id order, first: every writer of agent rows (the ingest writers,
    // the liveness touch) takes them this way, so they queue instead of deadlocking. An UPDATE ...
    // FROM unnest locks in whatever order its join plan visits the rows; two such plans deadlocked
    // three times in 20 s of 20,000 ev/s with two writers (docs/TUNING.md).
    static final String LOCK_AGENTS = "SELECT 1 FROM agents WHERE id = ANY(?::uuid[]) ORDER BY id FOR NO KEY UPDATE";

    // The WHERE skips rows already newer, so replayed old batches neither move it back nor write.
    private static final String TOUCH_AGENTS = """
            UPDATE agents a SET last_seen_at = u.seen
              FROM unnest(?::uuid[], ?::timestamptz[]) AS u(id, seen)
             WHERE a.id = u.id AND (a.last_seen_at IS NULL OR a.last_seen_at < u.seen)""";

    // A task row's id goes into task_search once, when the row is new (xmax is 0 only on a row this
    // statement inserted; a row it updated carries this transaction's id): V017 has why.
    private static final String INDEX_NEW_TASK_IDS = """
            INSERT INTO task_search (project_id, engine, task_id)
            SELECT project_id, engine, task_id FROM merged_tasks WHERE inserted""";

    // The agents locked, the task rows staged, then every projection of the batch in one statement:
    // the task merge of what z4j_task_staging holds (nothing when no task changed), the search
    // entries of the new tasks, the workers and queues the new events name, the agents of all
    // events. The WITH parts write different tables, so running them under one snapshot changes
    // nothing, and PostgreSQL runs each to completion, read or not. pgjdbc sends the three
    // statements in one round trip.
    private static final String PROJECT = LOCK_AGENTS + ";\n" + STAGE_TASKS
            + ";\nWITH merged_tasks AS (\n" + MERGE_TASKS
            + "),\nnew_task_ids AS (\n" + INDEX_NEW_TASK_IDS
            + "),\nseen_workers AS (\n" + UPSERT_WORKERS + "),\nseen_queues AS (\n" + TOUCH_QUEUES + ")\n"
            + TOUCH_AGENTS;

    private static final String TOUCH_AGENTS_LOCKED = LOCK_AGENTS + ";\n" + TOUCH_AGENTS;

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
        try {
            return transactions.inTransaction("write events",
                    c -> project(c, events, copyNewEvents(c, events, buffer)));
        } catch (StoreException e) {
            if (!e.conflict()) {
                throw e;
            }
            // Another writer stored one of these ids after the probe (the transaction is rolled
            // back): the merge waits for it and skips what it stored.
            return transactions.inTransaction("write events", c -> project(c, events, mergeEvents(c, events)));
        }
    }

    /** The projections of the rows {@code inserted} marks, and the agents of all rows; returns {@code inserted}. */
    private boolean[] project(Connection c, List<EventRow> events, boolean[] inserted) throws SQLException {
        List<EventRow> fresh = new ArrayList<>(inserted.length);
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i]) {
                fresh.add(events.get(i));
            }
        }
        // A resent batch (nothing new) only touches its agents, with the short statements alone.
        Map<UUID, Instant> agents = ActivityFold.agents(events);
        String[] agentIds = new String[agents.size()];
        String[] agentsSeen = new String[agents.size()];
        int a = 0;
        for (Map.Entry<UUID, Instant> agent : agents.entrySet()) {
            agentIds[a] = agent.getKey().toString();
            agentsSeen[a++] = agent.getValue().toString();
        }
        try (PreparedStatement ps = c.prepareStatement(fresh.isEmpty() ? TOUCH_AGENTS_LOCKED : PROJECT)) {
            Array ids = c.createArrayOf("text", agentIds); // the lock's and the touch's
            ps.setArray(1, ids);
            int next = 2;
            if (!fresh.isEmpty()) {
                next = bindTasks(c, ps, next, TaskFold.fold(fresh));
                next = bindWorkers(c, ps, next, ActivityFold.workers(fresh));
                next = bindNamed(c, ps, next, ActivityFold.queues(fresh));
            }
            ps.setArray(next, ids);
            ps.setArray(next + 1, c.createArrayOf("text", agentsSeen));
            ps.execute(); // the lock's rows are not read: execute, as executeUpdate refuses a result set
        }
        return inserted;
    }

    /**
     * The dedupe step alone, without projections, on the caller's transaction: public so the
     * capacity tool can time it with the exact statements the brain runs (see copyNewEvents).
     */
    public static boolean[] copyNewEvents(Connection c, List<EventRow> events) throws SQLException {
        return copyNewEvents(c, events, new CopyBuffer(64 * 1024));
    }

    /**
     * COPYs into {@code events} the rows whose id is neither stored (probed) nor taken by an
     * earlier row of this call, and reports which rows those were.
     */
    private static boolean[] copyNewEvents(Connection c, List<EventRow> events, CopyBuffer buffer)
            throws SQLException {
        int n = events.size();
        boolean[] inserted = new boolean[n];
        Map<EventKey, Integer> first = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            EventRow e = events.get(i);
            inserted[i] = first.putIfAbsent(new EventKey(e.projectId(), e.id()), i) == null;
        }
        int[] candidates = new int[first.size()];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (inserted[i]) {
                candidates[k++] = i;
            }
        }
        for (int stored : storedIds(c, events, candidates)) {
            inserted[stored] = false;
        }
        buffer.clear();
        boolean any = false;
        for (int i = 0; i < n; i++) {
            if (inserted[i]) {
                encodeEvent(buffer, events.get(i));
                any = true;
            }
        }
        if (any) {
            copy(c, COPY_NEW_EVENTS, buffer);
        }
        return inserted;
    }

    /** Of the rows at {@code candidates}, the positions (into {@code events}) of those stored already. */
    private static List<Integer> storedIds(Connection c, List<EventRow> events, int[] candidates) throws SQLException {
        int n = candidates.length;
        if (n == 0) {
            return List.of();
        }
        String[] projects = new String[n];
        String[] ids = new String[n];
        String[] days = new String[n];
        LocalDate first = LocalDate.MAX;
        LocalDate last = LocalDate.MIN;
        for (int j = 0; j < n; j++) {
            EventRow e = events.get(candidates[j]);
            projects[j] = e.projectId().toString();
            ids[j] = e.id().toString();
            LocalDate day = receivedDay(e.receivedAt());
            days[j] = day.toString();
            first = day.isBefore(first) ? day : first;
            last = day.isAfter(last) ? day : last;
        }
        List<Integer> stored = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(STORED_IDS)) {
            // Planned afresh on every batch, never from a plan cached on the connection: a generic
            // plan built while a day's partition is empty (tomorrow's, before midnight UTC) probes
            // that partition through its (project, task) index once it fills, walking every row of
            // the project per id until autovacuum analyzes it (measured: the writer at 30k rows/s
            // fell to a few hundred for a minute). pgjdbc then sends it as an unnamed statement,
            // which PostgreSQL plans for the values bound, from the partitions' current sizes.
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
            ps.setArray(1, c.createArrayOf("text", projects));
            ps.setArray(2, c.createArrayOf("text", ids));
            ps.setArray(3, c.createArrayOf("text", days));
            ps.setString(4, first.toString());
            ps.setString(5, last.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(candidates[(int) rs.getLong(1) - 1]); // ordinality counts from 1
                }
            }
        }
        return stored;
    }

    /** The slower path, safe against concurrent writers: COPY into staging, merge with ON CONFLICT. */
    private boolean[] mergeEvents(Connection c, List<EventRow> events) throws SQLException {
        encodeEvents(buffer, events);
        copy(c, COPY_EVENTS, buffer);
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
            encodeEvent(buffer.number(i), events.get(i));
        }
    }

    /** One row of COPY_NEW_EVENTS, appended to {@code buffer}. */
    static void encodeEvent(CopyBuffer buffer, EventRow e) {
        buffer.uuid(e.projectId()).uuid(e.id()).uuid(e.agentId()).text(e.engine())
                .text(e.taskId() == null ? "" : e.taskId()).text(e.kind())
                .timestamp(e.occurredAt()).timestamp(e.receivedAt()).date(receivedDay(e.receivedAt()))
                .text(e.payloadJson() == null ? "{}" : e.payloadJson()).endRow();
    }

    /**
     * Public only so the bench module can measure this exact encoding (the rows of the COPY
     * straight into events, which every batch of new rows runs) while CopyBuffer stays
     * package-private: each call encodes into the encoder's own reused buffer and returns the bytes written.
     */
    public static ToIntFunction<List<EventRow>> eventCopyEncoder() {
        CopyBuffer own = new CopyBuffer(64 * 1024);
        return events -> {
            own.clear();
            for (int i = 0; i < events.size(); i++) {
                encodeEvent(own, events.get(i));
            }
            return own.length();
        };
    }

    static LocalDate receivedDay(Instant receivedAt) {
        return LocalDate.ofInstant(receivedAt, ZoneOffset.UTC);
    }

    /** STAGE_TASKS' arrays (one per TaskMerge.FIELDS) from {@code index} on; returns the next index. */
    private static int bindTasks(Connection c, PreparedStatement ps, int index, List<TaskUpdate> updates)
            throws SQLException {
        int n = updates.size();
        String[][] fields = new String[TASK_FIELD_TYPES.size()][n];
        for (int i = 0; i < n; i++) {
            TaskUpdate u = updates.get(i);
            int f = 0; // TaskMerge.FIELDS order
            fields[f++][i] = u.projectId().toString();
            fields[f++][i] = u.engine();
            fields[f++][i] = u.taskId();
            fields[f++][i] = u.name();
            fields[f++][i] = u.queue();
            fields[f++][i] = u.priority();
            fields[f++][i] = u.argsJson();
            fields[f++][i] = u.kwargsJson();
            fields[f++][i] = u.resultJson();
            fields[f++][i] = text(u.runtimeMs());
            fields[f++][i] = text(u.retryCount());
            fields[f++][i] = u.workerName();
            fields[f++][i] = u.parentTaskId();
            fields[f++][i] = u.rootTaskId();
            fields[f++][i] = u.replacesFailureText() ? "t" : "f";
            fields[f++][i] = u.exception();
            fields[f++][i] = u.traceback();
            fields[f++][i] = text(u.receivedAt());
            fields[f++][i] = text(u.startedAt());
            fields[f++][i] = text(u.finishedAt());
            fields[f++][i] = u.insertState();
            fields[f++][i] = u.firstTerminalState();
            fields[f++][i] = u.lastTerminalState();
            fields[f++][i] = text(u.lastTerminalAt());
            fields[f++][i] = u.lastNonTerminalState();
            fields[f++][i] = text(u.lastNonTerminalAt());
            fields[f++][i] = LocalDate.ofEpochDay(u.firstReceivedDay()).toString();
            fields[f][i] = LocalDate.ofEpochDay(u.lastReceivedDay()).toString();
        }
        for (String[] field : fields) {
            ps.setArray(index++, c.createArrayOf("text", field));
        }
        return index;
    }

    /** A number or time as PostgreSQL reads it from text (times ISO-8601 with Z), or null. */
    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** UPSERT_WORKERS' seven arrays from {@code index} on; returns the next index. */
    private static int bindWorkers(Connection c, PreparedStatement ps, int index,
                                   Map<ActivityFold.Named, ActivityFold.WorkerSighting> rows) throws SQLException {
        int n = rows.size();
        String[] projects = new String[n];
        String[] engines = new String[n];
        String[] names = new String[n];
        String[] seen = new String[n];
        Long[] succeeded = new Long[n];
        Long[] failed = new Long[n];
        Long[] retried = new Long[n];
        int i = 0;
        for (Map.Entry<ActivityFold.Named, ActivityFold.WorkerSighting> r : rows.entrySet()) {
            projects[i] = r.getKey().projectId().toString();
            engines[i] = r.getKey().engine();
            names[i] = r.getKey().name();
            seen[i] = r.getValue().seen().toString();
            succeeded[i] = r.getValue().succeeded();
            failed[i] = r.getValue().failed();
            retried[i++] = r.getValue().retried();
        }
        ps.setArray(index, c.createArrayOf("text", projects));
        ps.setArray(index + 1, c.createArrayOf("text", engines));
        ps.setArray(index + 2, c.createArrayOf("text", names));
        ps.setArray(index + 3, c.createArrayOf("text", seen));
        ps.setArray(index + 4, c.createArrayOf("int8", succeeded));
        ps.setArray(index + 5, c.createArrayOf("int8", failed));
        ps.setArray(index + 6, c.createArrayOf("int8", retried));
        return index + 7;
    }

    /** TOUCH_QUEUES' four arrays from {@code index} on; returns the next index. */
    private static int bindNamed(Connection c, PreparedStatement ps, int index, Map<ActivityFold.Named, Instant> rows)
            throws SQLException {
        int n = rows.size();
        String[] projects = new String[n];
        String[] engines = new String[n];
        String[] names = new String[n];
        String[] seen = new String[n];
        int i = 0;
        for (Map.Entry<ActivityFold.Named, Instant> r : rows.entrySet()) {
            projects[i] = r.getKey().projectId().toString();
            engines[i] = r.getKey().engine();
            names[i] = r.getKey().name();
            seen[i++] = r.getValue().toString();
        }
        ps.setArray(index, c.createArrayOf("text", projects));
        ps.setArray(index + 1, c.createArrayOf("text", engines));
        ps.setArray(index + 2, c.createArrayOf("text", names));
        ps.setArray(index + 3, c.createArrayOf("text", seen));
        return index + 4;
    }

    private static void copy(Connection c, String sql, CopyBuffer buffer) throws SQLException {
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

    private record EventKey(UUID projectId, UUID id) {}
}
