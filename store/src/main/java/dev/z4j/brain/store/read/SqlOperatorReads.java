package dev.z4j.brain.store.read;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The operator reads, written once for both databases: every statement is built here and only the
 * fragments of {@link ReadDialect} differ, so PostgreSQL and SQLite filter, order and page alike.
 *
 * <p>Keysets are written as {@code key <= k AND (key < k OR id < i)} rather than a row comparison:
 * both planners take the first term as the index range (SQLite does not for a row comparison on an
 * expression index), and the second drops the few rows equal to k at or after i.
 */
public final class SqlOperatorReads implements OperatorReads {
    /** Every task state, in the order the API lists them. */
    public static final List<String> TASK_STATES = List.of(
            "pending", "received", "started", "success", "failure", "retry", "revoked", "rejected", "unknown");

    /** The indexes the lists walk (named so the plan tests can check they do). */
    public static final String TASKS_LISTED = "ix_tasks_project_listed";
    public static final String TASKS_STATE_LISTED = "ix_tasks_project_state_listed";
    /** The list filtered by queue, worker or one priority (V014). */
    public static final String TASKS_QUEUE_LISTED = "ix_tasks_project_queue_listed";
    public static final String TASKS_WORKER_LISTED = "ix_tasks_project_worker_listed";
    public static final String TASKS_PRIORITY_LISTED = "ix_tasks_project_priority_listed";
    /** The list filtered by name, read name by name (V015). */
    public static final String TASKS_NAME_LISTED = "ix_tasks_project_name_listed";
    public static final String TASKS_FAILED = "ix_tasks_failed";
    public static final String COMMANDS_ISSUED = "ix_commands_project_issued";
    /** The time window of the task list (V013). */
    public static final String TASKS_RECEIVED = "ix_tasks_project_received";
    /** A time window's whole hours, each read in list order (V016). */
    public static final String TASKS_RECEIVED_HOUR = "ix_tasks_project_received_hour";
    public static final String TASKS_ROOT = "ix_tasks_project_root";
    /** Rows of the list order a time-window page tries before reading the window itself. */
    static final int WINDOW_HEAD_ROWS = 1000;
    /**
     * A window that ended longer ago than this skips the first look at the list's head, which finds
     * its rows only when the window reaches the newest started tasks (the page is the same either way).
     */
    static final Duration WINDOW_HEAD_RECENT = Duration.ofHours(1);
    /** UTC hours a time window may span and still be read hour by hour; a longer one sorts its entries. */
    static final int WINDOW_HOURS_MAX = 48;
    /** Distinct task names a name page reads before choosing; a project with more walks the list. */
    static final int NAMES_READ_MAX = 512;
    /**
     * Names a name filter may match for its page to be read name by name. A needle matching more is
     * common, and the list walk finds its page among the newest rows.
     */
    static final int NAMES_MATCHED_MAX = 32;
    /** The trigram index of task ids (V017, PostgreSQL with pg_trgm). */
    public static final String TASK_SEARCH_TRGM = "ix_task_search_trgm";
    /**
     * Task ids a search may match for its page to be read from them and the matching names, queues
     * and workers; a needle in more ids is common enough that the list walk finds its page sooner.
     */
    static final int TASK_IDS_MATCHED_MAX = 500;

    private static final String TASK_COLUMNS = """
            id, project_id, engine, task_id, name, queue, state, priority, args, kwargs, result, exception,
            traceback, retry_count, eta, received_at, started_at, finished_at, runtime_ms, worker_name,
            parent_task_id, root_task_id, tags, created_at, updated_at""";
    /** {@link #TASK_COLUMNS} of the row alias t. */
    private static final String TASK_COLUMNS_OF_T = "t." + TASK_COLUMNS.replace("\n", " ").replaceAll(",\\s*", ", t.");
    private static final String COMMAND_COLUMNS = """
            id, project_id, agent_id, action, target, parameters, timeout_seconds, issued_by, status, issued_at,
            dispatched_at, finished_at, timeout_at, result, error, dispatched_to, acked_at""";
    private static final String WORKER_COLUMNS = """
            id, project_id, engine, name, hostname, pid, concurrency, queues, state, last_heartbeat, load_average,
            active_tasks, tasks_succeeded, tasks_failed, tasks_retried, created_at, metadata""";

    /**
     * Counts of the stats and home pages (tasks by state; tasks finished, started and failed in
     * the window) last found below this are made on every request ({@link CountCache}).
     */
    public static final long EXACT_COUNTS_BELOW = 100_000;
    /** How old a large count may be before a background recount replaces it. */
    public static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(10);

    private final JdbcRunner db;
    private volatile Boolean taskIdIndex; // asked of the database once (ReadDialect.taskIdSearchIndex)
    private final ReadDialect d;
    private final CountCache<UUID> stateCounts; // where the database keeps none (ReadDialect.keptTaskStateCounts)
    private final CountCache<Window> windowCounts;

    /** A windowed count: a project's tasks of the last {@code minutes} by one measure (finished, activity). */
    private record Window(UUID project, String measure, long minutes) {
        /** The window ending now that starts at {@code since}, to the minute (the pages ask for whole hours). */
        static Window of(UUID project, String measure, Instant since) {
            return new Window(project, measure, Math.round(Duration.between(since, Instant.now()).toSeconds() / 60.0));
        }
    }

    public SqlOperatorReads(JdbcRunner db, ReadDialect dialect) {
        this(db, dialect, EXACT_COUNTS_BELOW, COUNTS_MAX_AGE);
    }

    /** With the large-count rule of {@link CountCache}: exact below {@code exactBelow} tasks, else at most {@code maxAge} old. */
    public SqlOperatorReads(JdbcRunner db, ReadDialect dialect, long exactBelow, Duration maxAge) {
        this.db = db;
        this.d = dialect;
        this.stateCounts = new CountCache<>(exactBelow, maxAge, System::nanoTime);
        this.windowCounts = new CountCache<>(exactBelow, maxAge, System::nanoTime);
    }

    // ------------------------------------------------------------------ tasks

    @Override
    public List<TaskView> tasks(TaskFilter filter, Keys.Task after, int limit) throws StoreException {
        requirePositive(limit);
        if (filter.since() == null && filter.until() == null) {
            Sql q = taskListQuery(filter, after, limit);
            if (readByName(filter)) {
                Sql names = namesQuery(filter.projectId());
                return db.read("list tasks by name", c -> {
                    List<String> matching = namesMatching(filter, list(names, c, rs -> rs.getString(1)));
                    if (matching == null) {
                        return list(q, c, this::task);
                    }
                    return matching.isEmpty() ? List.of() : list(byNamesQuery(filter, matching, after, limit), c, this::task);
                });
            }
            if (readBySearch(filter)) {
                return db.read("list tasks by search", c -> {
                    List<TaskView> page = searchPage(c, filter, after, limit);
                    return page != null ? page : list(q, c, this::task);
                });
            }
            return db.read("list tasks", c -> list(q, c, this::task));
        }
        Sql byHours = windowByHoursQuery(filter, after, limit);
        if (byHours != null && filter.until().isBefore(Instant.now().minus(WINDOW_HEAD_RECENT))) {
            // the newest started rows are rarely in a window that ended a while ago: read it hour by hour
            return db.read("list tasks in a past time window", c -> list(byHours, c, this::task));
        }
        Sql head = windowHeadQuery(filter, after, limit);
        Sql window = byHours != null ? byHours : windowQuery(filter, after, limit);
        return db.read("list tasks in a time window", c -> {
            List<TaskView> page = list(head, c, this::task);
            return page.size() == limit ? page : list(window, c, this::task);
        });
    }

    /**
     * A time window bounds received_at while the list is ordered by started_at, so walking the list
     * index to a window in the past passes every row started after it (measured: seconds for a day
     * two weeks back in 5 million tasks). Its page is read in two bounded steps instead: the next
     * {@link #WINDOW_HEAD_ROWS} rows of the list order, filtered (a recent window fills its page
     * here); if they do not fill the page, the window's own rows through the received_at index,
     * sorted (cost: the rows received in the window). Both answer exactly the same page.
     */
    private Sql windowHeadQuery(TaskFilter filter, Keys.Task after, int limit) {
        Sql q = new Sql("SELECT " + TASK_COLUMNS + " FROM (SELECT " + TASK_COLUMNS + " FROM ")
                .sql(tasksUsing(filter)).sql(" WHERE project_id = ?").uuid(filter.projectId());
        if (filter.state() != null) {
            q.sql(" AND state = ?").text(filter.state());
        }
        taskAfter(q, after);
        q.sql(" ORDER BY " + d.taskSortKey() + " DESC, id DESC LIMIT ?").number(Math.max(WINDOW_HEAD_ROWS, limit));
        q.sql(") head");
        taskWhere(q, filter);
        return q.sql(" ORDER BY " + d.taskSortKey() + " DESC, id DESC LIMIT ?").number(limit);
    }

    /**
     * The window's page: its rows' sort keys and ids only (with no filter but the window these come
     * from the received_at index's entries alone, nothing else is read), the top of them sorted, then
     * the page's rows by those keys. The inner subquery is fenced: otherwise the planner goes back to
     * the list walk, which it estimates as cheaper, not knowing that received and started times are
     * correlated. A fence, not a materialized CTE: that wrote the day's 167,000 keys to a temporary
     * file before sorting them (day window of 1.67M tasks: 38-41 ms, fenced 24.5 ms).
     */
    private Sql windowQuery(TaskFilter filter, Keys.Task after, int limit) {
        Sql arm = new Sql("");
        receivedRangeArm(arm, 0, filter, after, limit);
        return merged(arm, filter.projectId(), limit);
    }

    /** An arm of {@link #merged}: the top keys of the filter's received_at range, its entries sorted. */
    private void receivedRangeArm(Sql arms, int i, TaskFilter range, Keys.Task after, int limit) {
        arms.sql("SELECT * FROM (SELECT k, id FROM (SELECT " + d.taskSortKey() + " AS k, id FROM "
                + d.tableUsing("tasks", TASKS_RECEIVED));
        taskWhere(arms, range);
        taskAfter(arms, after);
        // the fenced subquery has no ORDER BY of its own: with one, the planner walks the list index again (measured)
        arms.sql(d.subqueryFence() + ") r ORDER BY k DESC, id DESC LIMIT ?").number(limit).sql(") a" + i);
    }

    /**
     * A name filter is a substring, which no B-tree can range over: walking the list, a rare name
     * passes every newer task of other names. A project has few names, though, so its page is read
     * name by name when no exact filter picks an index first ({@link #tasksUsing}).
     */
    private boolean readByName(TaskFilter filter) {
        return (filter.name() != null || filter.nameFolded() != null)
                && listIndex(filter).equals(TASKS_LISTED);
    }

    /**
     * The project's distinct task names, at most {@link #NAMES_READ_MAX} + 1: the rows PostgreSQL
     * keeps of them (V020, {@link ReadDialect#keepsTaskValues}), or else a skip scan of the name
     * index (each step one descent to the next name, not the name's rows). The step counter bounds
     * the recursion on both databases (PostgreSQL has no LIMIT in a recursive term).
     */
    private Sql namesQuery(UUID projectId) {
        return distinctQuery(projectId, "name", "name", TASKS_NAME_LISTED);
    }

    /**
     * The project's distinct values of {@code column} (kept as {@code kind}), at most
     * {@link #NAMES_READ_MAX} + 1, as {@link #namesQuery}.
     */
    private Sql distinctQuery(UUID projectId, String kind, String column, String index) {
        if (d.keepsTaskValues()) {
            return new Sql("SELECT value FROM task_values WHERE project_id = ?").uuid(projectId)
                    .sql(" AND kind = ?").text(kind).sql(" ORDER BY value LIMIT ?").number(NAMES_READ_MAX + 1);
        }
        String using = d.tableUsing("tasks", index);
        return new Sql("WITH RECURSIVE n(v, step) AS (SELECT (SELECT " + column + " FROM " + using + " WHERE project_id = ?")
                .uuid(projectId)
                .sql(" AND " + column + " IS NOT NULL ORDER BY " + column + " LIMIT 1), 1 UNION ALL SELECT (SELECT "
                        + column + " FROM " + using + " WHERE project_id = ?").uuid(projectId)
                .sql(" AND " + column + " > n.v ORDER BY " + column + " LIMIT 1), step + 1 FROM n"
                        + " WHERE n.v IS NOT NULL AND step <= ?")
                .number(NAMES_READ_MAX).sql(") SELECT v FROM n WHERE v IS NOT NULL");
    }

    /**
     * A search is a substring of the name, queue, worker or task id: walking the list, a page costs
     * every newer task that matches none, which under ingest is every task arriving. Where task ids
     * have a trigram index (V017) and no exact filter picks an index first, the page is read from
     * what matches instead: the project's names, queues and workers are few, so the matching ones
     * are found by a skip scan of each one's index, and the matching task ids through the trigram
     * index; then each matching value's newest rows and the matching ids' rows are merged.
     */
    private boolean readBySearch(TaskFilter filter) {
        return filter.search() != null && listIndex(filter).equals(TASKS_LISTED)
                && hasTrigram(asciiLower(filter.search()));
    }

    /**
     * True when pg_trgm can take a trigram from {@code needle} for its index: three ASCII letters
     * or digits in a row (it splits text at other characters; with no trigram it reads the whole
     * index). Narrower than pg_trgm's own rule, never wider.
     */
    static boolean hasTrigram(String needle) {
        int run = 0;
        for (int i = 0; i < needle.length(); i++) {
            char c = needle.charAt(i);
            run = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ? run + 1 : 0;
            if (run == 3) {
                return true;
            }
        }
        return false;
    }

    /**
     * The search page from what matches ({@link #readBySearch}): null when task ids have no index
     * here, or when the needle matches more names, queues, workers or task ids than a page is read
     * from, and the caller walks the list.
     */
    private List<TaskView> searchPage(Connection c, TaskFilter filter, Keys.Task after, int limit) throws SQLException {
        Boolean indexed = taskIdIndex;
        if (indexed == null) {
            taskIdIndex = indexed = d.taskIdSearchIndex(c);
        }
        if (!indexed) {
            return null;
        }
        String needle = asciiLower(filter.search());
        UUID project = filter.projectId();
        Predicate<String> contains = value -> asciiLower(value).contains(needle);
        List<String> names = matching(list(namesQuery(project), c, rs -> rs.getString(1)), contains);
        List<String> queues = names == null ? null : matching(
                list(distinctQuery(project, "queue", "queue", TASKS_QUEUE_LISTED), c, rs -> rs.getString(1)), contains);
        List<String> workers = queues == null ? null : matching(
                list(distinctQuery(project, "worker", "worker_name", TASKS_WORKER_LISTED), c, rs -> rs.getString(1)),
                contains);
        if (workers == null) {
            return null;
        }
        Sql ids = new Sql("SELECT engine, task_id FROM task_search WHERE project_id = ?").uuid(project)
                .sql(" AND " + d.asciiLower("task_id") + " LIKE ? ESCAPE '\\'").text("%" + likeEscaped(needle) + "%")
                .sql(" LIMIT ?").number(TASK_IDS_MATCHED_MAX + 1);
        Map<String, List<String>> idsByEngine = new LinkedHashMap<>();
        int idCount = 0;
        for (String[] id : list(ids, c, rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            idsByEngine.computeIfAbsent(id[0], e -> new ArrayList<>()).add(id[1]);
            idCount++;
        }
        if (idCount > TASK_IDS_MATCHED_MAX) {
            return null;
        }
        if (names.isEmpty() && queues.isEmpty() && workers.isEmpty() && idCount == 0) {
            return List.of();
        }
        TaskFilter others = filter.withSearch(null);
        Sql arms = new Sql("");
        int arm = 0;
        for (Matched m : List.of(new Matched("name", TASKS_NAME_LISTED, names),
                new Matched("queue", TASKS_QUEUE_LISTED, queues), new Matched("worker_name", TASKS_WORKER_LISTED, workers))) {
            for (String value : m.values()) {
                arms.sql(arm == 0 ? "" : " UNION ALL ").sql(armStart(m.index()));
                taskWhere(arms, others);
                arms.sql(" AND " + m.column() + " = ?").text(value);
                armEnd(arms, arm++, after, limit);
            }
        }
        for (Map.Entry<String, List<String>> engine : idsByEngine.entrySet()) {
            // primary-key lookups of at most TASK_IDS_MATCHED_MAX rows, sorted for their top
            arms.sql(arm == 0 ? "" : " UNION ALL ").sql(armStart(TASKS_LISTED));
            taskWhere(arms, others);
            arms.sql(" AND engine = ?").text(engine.getKey()).sql(" AND task_id IN ").textList(engine.getValue());
            armEnd(arms, arm++, after, limit);
        }
        // a task may match by more than one of them: the page takes each once
        return list(merged(arms, project, limit, true), c, this::task);
    }

    /** The values of {@code column} a search matched, each read from {@code index} in list order. */
    private record Matched(String column, String index, List<String> values) {}

    /**
     * The distinct values (names, queues, workers) that {@code matches}; null when there are more
     * than {@link #NAMES_READ_MAX} to read or {@link #NAMES_MATCHED_MAX} match, and the list is walked.
     */
    private static List<String> matching(List<String> values, Predicate<String> matches) {
        if (values.size() > NAMES_READ_MAX) {
            return null;
        }
        List<String> matching = values.stream().filter(matches).toList();
        return matching.size() > NAMES_MATCHED_MAX ? null : matching;
    }

    /** {@code s} as a LIKE pattern matching itself only (escape character backslash). */
    static String likeEscaped(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' || ch == '_' || ch == '\\') {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }

    /**
     * The names the filter's name needles match, tested as the SQL fragments of {@link #taskWhere}
     * test them; null when there are too many names to read or to match for a page by name.
     */
    static List<String> namesMatching(TaskFilter filter, List<String> names) {
        String folded = filter.nameFolded() == null ? null : asciiLower(filter.nameFolded());
        return matching(names, name -> (filter.name() == null || name.contains(filter.name()))
                && (folded == null || asciiLower(name).contains(folded)));
    }

    /**
     * The page as the top of each matching name's own page, merged ({@link #merged}): each arm walks
     * the name index in list order from the cursor (every other filter tested per row) and stops at
     * {@code limit}, so the page costs about limit + names rows, whatever else the project runs.
     */
    private Sql byNamesQuery(TaskFilter filter, List<String> names, Keys.Task after, int limit) {
        TaskFilter others = filter.withName(null).withNameFolded(null);
        Sql arms = new Sql("");
        for (int i = 0; i < names.size(); i++) {
            arms.sql(i == 0 ? "" : " UNION ALL ").sql(armStart(TASKS_NAME_LISTED));
            taskWhere(arms, others);
            arms.sql(" AND name = ?").text(names.get(i));
            armEnd(arms, i, after, limit);
        }
        return merged(arms, filter.projectId(), limit);
    }

    /** An arm of {@link #merged}: the sort keys and ids of one index range, then its WHERE. */
    private String armStart(String index) {
        return "SELECT * FROM (SELECT " + d.taskSortKey() + " AS k, id FROM " + d.tableUsing("tasks", index);
    }

    /** Ends an arm: the keyset, then its top {@code limit} in list order (the index's order). */
    private void armEnd(Sql arm, int i, Keys.Task after, int limit) {
        taskAfter(arm, after);
        arm.sql(" ORDER BY k DESC, id DESC LIMIT ?").number(limit).sql(") a" + i);
    }

    /**
     * The page from UNION ALL arms that each give the sort keys and ids of their top {@code limit}
     * rows in list order: the top {@code limit} of them all, then those rows by their keys.
     * PostgreSQL merges the arms (a Merge Append that stops at the limit: about limit + arms keys
     * read); SQLite reads at most limit keys per arm. Materialized, so the rows are fetched for the
     * page's keys only.
     */
    private Sql merged(Sql arms, UUID projectId, int limit) {
        return merged(arms, projectId, limit, false);
    }

    /** As {@link #merged(Sql, UUID, int)}; {@code distinct} when a row may come from more than one arm. */
    private Sql merged(Sql arms, UUID projectId, int limit, boolean distinct) {
        return new Sql("WITH w AS MATERIALIZED (SELECT " + (distinct ? "DISTINCT " : "") + "k, id FROM (").sql(arms)
                .sql(") u ORDER BY k DESC, id DESC LIMIT ?").number(limit)
                // a join, not (k, id) IN (...): SQLite walks the whole project for a row-value IN
                .sql(") SELECT " + TASK_COLUMNS_OF_T + " FROM w JOIN tasks t ON t.project_id = ?").uuid(projectId)
                .sql(" AND " + d.taskSortKey() + " = w.k AND t.id = w.id ORDER BY w.k DESC, w.id DESC");
    }

    /**
     * The window's page hour by hour: each whole UTC hour in it gives its top {@code limit} keys in
     * list order through the received-hour index (the hour's other rows are not read); a part-hour
     * at either end gives the top of its entries of the received_at index, sorted (at most an hour's,
     * {@link #receivedRangeArm}); {@link #merged} takes the page from them. Sorting the whole
     * window's entries instead costs all of them (170,000 for a day of a 5-million-task, 30-day
     * history). Null when the window is open-ended, before 1970 or spans more than
     * {@link #WINDOW_HOURS_MAX} hours.
     */
    private Sql windowByHoursQuery(TaskFilter filter, Keys.Task after, int limit) {
        Instant since = filter.since();
        Instant until = filter.until();
        if (since == null || until == null || until.isBefore(since) || since.isBefore(Instant.EPOCH)) {
            return null;
        }
        long firstHour = Math.floorDiv(since.getEpochSecond(), 3600);
        long lastHour = Math.floorDiv(until.getEpochSecond(), 3600);
        if (lastHour - firstHour >= WINDOW_HOURS_MAX) {
            return null;
        }
        Sql arms = new Sql("");
        for (long hour = firstHour; hour <= lastHour; hour++) {
            Instant hourStart = Instant.ofEpochSecond(hour * 3600);
            Instant lastMicro = hourStart.plusSeconds(3600).minusNanos(1_000);
            Instant from = since.isAfter(hourStart) ? since : hourStart;
            Instant to = until.isBefore(lastMicro) ? until : lastMicro;
            int i = (int) (hour - firstHour);
            arms.sql(i == 0 ? "" : " UNION ALL ");
            if (from.equals(hourStart) && to.equals(lastMicro)) {
                arms.sql(armStart(TASKS_RECEIVED_HOUR));
                taskWhere(arms, filter.withSince(null).withUntil(null));
                arms.sql(" AND " + d.taskReceivedInHour()).time(hourStart);
                armEnd(arms, i, after, limit);
            } else {
                receivedRangeArm(arms, i, filter.withSince(from).withUntil(to), after, limit);
            }
        }
        return merged(arms, filter.projectId(), limit);
    }

    /** The task list statement. */
    private Sql taskListQuery(TaskFilter filter, Keys.Task after, int limit) {
        Sql q = new Sql("SELECT " + TASK_COLUMNS + " FROM ").sql(tasksUsing(filter));
        taskWhere(q, filter);
        taskAfter(q, after);
        return q.sql(" ORDER BY " + d.taskSortKey() + " DESC, id DESC LIMIT ?").number(limit);
    }

    private void taskAfter(Sql q, Keys.Task after) {
        if (after != null) {
            String key = d.taskSortKey();
            String at = d.taskSortKeyParam();
            q.sql(" AND " + key + " <= " + at).time(after.startedAt())
                    .sql(" AND (" + key + " < " + at).time(after.startedAt())
                    .sql(" OR id < ?)").uuid(after.id());
        }
    }

    /**
     * The index a list page walks: the one whose equality prefix is one of the filters, so the walk
     * passes only matching rows (the other filters test each). PostgreSQL picks by its own estimates;
     * SQLite is told, in this order: state, queue, worker, a single priority (several priorities are
     * not one range of the priority index in list order).
     */
    private String tasksUsing(TaskFilter filter) {
        return d.tableUsing("tasks", listIndex(filter));
    }

    private static String listIndex(TaskFilter filter) {
        if (filter.state() != null) {
            return TASKS_STATE_LISTED;
        } else if (filter.queue() != null) {
            return TASKS_QUEUE_LISTED;
        } else if (filter.worker() != null) {
            return TASKS_WORKER_LISTED;
        } else if (filter.priorities().size() == 1) {
            return TASKS_PRIORITY_LISTED;
        }
        return TASKS_LISTED;
    }

    private void taskWhere(Sql q, TaskFilter f) {
        q.sql(" WHERE project_id = ?").uuid(f.projectId());
        if (f.state() != null) {
            q.sql(" AND state = ?").text(f.state());
        }
        if (f.priorities().size() == 1) {
            q.sql(" AND priority = ?").text(f.priorities().getFirst()); // the priority index's prefix
        } else if (!f.priorities().isEmpty()) {
            q.sql(" AND priority IN ").textList(f.priorities());
        }
        if (f.name() != null) {
            q.sql(" AND " + d.contains("name")).text(f.name());
        }
        if (f.nameFolded() != null) {
            q.sql(" AND " + d.contains(d.asciiLower("name"))).text(asciiLower(f.nameFolded()));
        }
        if (f.search() != null) {
            String needle = asciiLower(f.search());
            q.sql(" AND (" + d.contains(d.asciiLower("name"))).text(needle)
                    .sql(" OR " + d.contains(d.asciiLower("queue"))).text(needle)
                    .sql(" OR " + d.contains(d.asciiLower("worker_name"))).text(needle)
                    .sql(" OR " + d.contains(d.asciiLower("task_id"))).text(needle).sql(")");
        }
        if (f.queue() != null) {
            q.sql(" AND queue = ?").text(f.queue());
        }
        if (f.worker() != null) {
            q.sql(" AND worker_name = ?").text(f.worker());
        }
        if (f.since() != null) {
            q.sql(" AND received_at >= ?").time(f.since());
        }
        if (f.until() != null) {
            q.sql(" AND received_at <= ?").time(f.until());
        }
    }

    /** A-Z to a-z, nothing else: the same folding {@link ReadDialect#asciiLower} does in SQL. */
    static String asciiLower(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(s);
                }
                out.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return out == null ? s : out.toString();
    }

    @Override
    public long countTasks(TaskFilter filter, Keys.Task after, long max) throws StoreException {
        Sql q = new Sql("SELECT count(*) FROM (SELECT 1 FROM ").sql(tasksUsing(filter));
        taskWhere(q, filter);
        taskAfter(q, after);
        q.sql(" ORDER BY " + d.taskSortKey() + " DESC, id DESC LIMIT ?) matching").number(max);
        return db.read("count tasks", c -> single(q, c, rs -> rs.getLong(1)).orElse(0L));
    }

    @Override
    public Optional<TaskView> task(UUID projectId, String engine, String taskId) throws StoreException {
        Sql q = new Sql("SELECT " + TASK_COLUMNS + " FROM tasks WHERE project_id = ?").uuid(projectId)
                .sql(" AND engine = ?").text(engine).sql(" AND task_id = ?").text(taskId);
        return db.read("task detail", c -> single(q, c, this::task));
    }

    private TaskView task(ResultSet rs) throws SQLException {
        return new TaskView(d.uuid(rs, "id"), d.uuid(rs, "project_id"), rs.getString("engine"),
                rs.getString("task_id"), rs.getString("name"), rs.getString("queue"), rs.getString("state"),
                rs.getString("priority"), rs.getString("args"), rs.getString("kwargs"), rs.getString("result"),
                rs.getString("exception"), rs.getString("traceback"), rs.getInt("retry_count"), d.time(rs, "eta"),
                d.time(rs, "received_at"), d.time(rs, "started_at"), d.time(rs, "finished_at"),
                nullableLong(rs, "runtime_ms"), rs.getString("worker_name"), rs.getString("parent_task_id"),
                rs.getString("root_task_id"), d.textList(rs, "tags"), d.time(rs, "created_at"),
                d.time(rs, "updated_at"));
    }

    @Override
    public Optional<TaskTree> taskTree(UUID projectId, String engine, String taskId, int maxNodes)
            throws StoreException {
        requirePositive(maxNodes);
        Sql root = new Sql("SELECT coalesce(root_task_id, task_id) FROM tasks WHERE project_id = ?").uuid(projectId)
                .sql(" AND engine = ?").text(engine).sql(" AND task_id = ?").text(taskId);
        return db.read("task tree", c -> {
            Optional<String> rootId = single(root, c, rs -> rs.getString(1));
            if (rootId.isEmpty()) {
                return Optional.empty();
            }
            // The root by its key, then its members through the root index. One "task_id = ? OR
            // root_task_id = ?" made SQLite walk every task of the project (~400 ms at 1M tasks), and
            // so does the union unless told the index: it walks the received index for the ORDER BY.
            // Celery roots carry their own id as root_task_id, hence "task_id <> root" below.
            String columns = "task_id, name, state, parent_task_id, root_task_id, received_at, started_at, finished_at";
            Sql nodes = new Sql("SELECT " + columns + " FROM (SELECT " + columns + " FROM tasks WHERE project_id = ?")
                    .uuid(projectId).sql(" AND engine = ?").text(engine).sql(" AND task_id = ?").text(rootId.get())
                    .sql(" UNION ALL SELECT " + columns + " FROM ").sql(d.tableUsing("tasks", TASKS_ROOT))
                    .sql(" WHERE project_id = ?").uuid(projectId)
                    .sql(" AND root_task_id = ?").text(rootId.get()).sql(" AND engine = ?").text(engine)
                    .sql(" AND task_id <> ?").text(rootId.get())
                    .sql(") AS tree ORDER BY received_at NULLS LAST, task_id LIMIT ?").number(maxNodes + 1L);
            List<TaskTree.Node> found = list(nodes, c, rs -> new TaskTree.Node(rs.getString("task_id"),
                    rs.getString("name"), rs.getString("state"), rs.getString("parent_task_id"),
                    rs.getString("root_task_id"), d.time(rs, "received_at"), d.time(rs, "started_at"),
                    d.time(rs, "finished_at")));
            boolean truncated = found.size() > maxNodes;
            return Optional.of(new TaskTree(rootId.get(), truncated ? found.subList(0, maxNodes) : found, truncated));
        });
    }

    // ------------------------------------------------------------------ events

    @Override
    public List<EventView> events(UUID projectId, String engine, String taskId, Keys.Event after, int limit)
            throws StoreException {
        requirePositive(limit);
        Sql days = new Sql("SELECT first_received_day, last_received_day FROM tasks WHERE project_id = ?")
                .uuid(projectId).sql(" AND engine = ?").text(engine).sql(" AND task_id = ?").text(taskId);
        return db.read("task events", c -> {
            Optional<Long[]> range = single(days, c, rs -> new Long[] {d.day(rs, "first_received_day"),
                    d.day(rs, "last_received_day")});
            if (range.isEmpty()) {
                return List.of();
            }
            return list(eventQuery(projectId, engine, taskId, range.get()[0], range.get()[1], after, limit), c,
                    rs -> new EventView(d.uuid(rs, "id"), d.uuid(rs, "project_id"), d.uuid(rs, "agent_id"),
                            rs.getString("engine"), rs.getString("task_id"), rs.getString("kind"),
                            d.time(rs, "occurred_at"), rs.getString("payload")));
        });
    }

    /** The timeline statement for a task whose events lie in [firstDay, lastDay] (null = unbounded). */
    private Sql eventQuery(UUID projectId, String engine, String taskId, Long firstDay, Long lastDay, Keys.Event after,
                   int limit) {
        Sql q = new Sql("""
                SELECT id, project_id, agent_id, engine, task_id, kind, occurred_at, payload
                  FROM events WHERE project_id = ?""").uuid(projectId)
                .sql(" AND task_id = ?").text(taskId).sql(" AND engine = ?").text(engine);
        if (firstDay != null) {
            q.sql(" AND received_day >= ?").day(firstDay);
        }
        if (lastDay != null) {
            q.sql(" AND received_day <= ?").day(lastDay);
        }
        if (after != null) {
            q.sql(" AND occurred_at <= ?").time(after.occurredAt())
                    .sql(" AND (occurred_at < ?").time(after.occurredAt()).sql(" OR id < ?)").uuid(after.id());
        }
        return q.sql(" ORDER BY occurred_at DESC, id DESC LIMIT ?").number(limit);
    }

    // ------------------------------------------------------------------ workers and queues

    @Override
    public List<WorkerView> workers(UUID projectId, int limit) throws StoreException {
        requirePositive(limit);
        Sql q = new Sql("SELECT " + WORKER_COLUMNS + " FROM workers WHERE project_id = ?").uuid(projectId)
                .sql(" ORDER BY last_heartbeat DESC NULLS LAST, name, id LIMIT ?").number(limit);
        return db.read("list workers", c -> list(q, c, this::worker));
    }

    @Override
    public Optional<WorkerView> worker(UUID projectId, UUID workerId) throws StoreException {
        Sql q = new Sql("SELECT " + WORKER_COLUMNS + " FROM workers WHERE project_id = ?").uuid(projectId)
                .sql(" AND id = ?").uuid(workerId);
        return db.read("worker detail", c -> single(q, c, this::worker));
    }

    private WorkerView worker(ResultSet rs) throws SQLException {
        return new WorkerView(d.uuid(rs, "id"), d.uuid(rs, "project_id"), rs.getString("engine"), rs.getString("name"),
                rs.getString("hostname"), nullableInt(rs, "pid"), nullableInt(rs, "concurrency"),
                d.textList(rs, "queues"), rs.getString("state"), d.time(rs, "last_heartbeat"),
                rs.getString("load_average"), rs.getInt("active_tasks"), rs.getLong("tasks_succeeded"),
                rs.getLong("tasks_failed"), rs.getLong("tasks_retried"), d.time(rs, "created_at"),
                rs.getString("metadata"));
    }

    @Override
    public List<QueueView> queues(UUID projectId) throws StoreException {
        Sql q = new Sql("""
                SELECT id, project_id, name, engine, broker_type, broker_url_hint, last_seen_at, created_at,
                       pending_count FROM queues WHERE project_id = ?""").uuid(projectId)
                .sql(" ORDER BY name, engine");
        return db.read("list queues", c -> list(q, c, this::queue));
    }

    private QueueView queue(ResultSet rs) throws SQLException {
        return new QueueView(d.uuid(rs, "id"), d.uuid(rs, "project_id"), rs.getString("name"), rs.getString("engine"),
                rs.getString("broker_type"), rs.getString("broker_url_hint"), d.time(rs, "last_seen_at"),
                d.time(rs, "created_at"), nullableInt(rs, "pending_count"));
    }

    // ------------------------------------------------------------------ commands

    @Override
    public List<CommandStore.Command> commands(UUID projectId, String status, Keys.Command after, int limit)
            throws StoreException {
        requirePositive(limit);
        Sql q = commandListQuery(projectId, status, after, limit);
        return db.read("list commands", c -> list(q, c, this::command));
    }

    private Sql commandListQuery(UUID projectId, String status, Keys.Command after, int limit) {
        Sql q = new Sql("SELECT " + COMMAND_COLUMNS + " FROM ").sql(d.tableUsing("commands", COMMANDS_ISSUED))
                .sql(" WHERE project_id = ?").uuid(projectId);
        if (status != null) {
            q.sql(" AND status = ?").text(status);
        }
        if (after != null) {
            q.sql(" AND issued_at <= ?").time(after.issuedAt())
                    .sql(" AND (issued_at < ?").time(after.issuedAt()).sql(" OR id < ?)").uuid(after.id());
        }
        return q.sql(" ORDER BY issued_at DESC, id DESC LIMIT ?").number(limit);
    }

    @Override
    public Optional<CommandStore.Command> command(UUID projectId, UUID commandId) throws StoreException {
        Sql q = new Sql("SELECT " + COMMAND_COLUMNS + " FROM commands WHERE id = ?").uuid(commandId)
                .sql(" AND project_id = ?").uuid(projectId);
        return db.read("command detail", c -> single(q, c, this::command));
    }

    @Override
    public Optional<CommandStore.Command> commandByIdempotencyKey(UUID projectId, String key) throws StoreException {
        Sql q = new Sql("SELECT " + COMMAND_COLUMNS + " FROM commands WHERE project_id = ?").uuid(projectId)
                .sql(" AND idempotency_key = ?").text(key);
        return db.read("command by idempotency key", c -> single(q, c, this::command));
    }

    private CommandStore.Command command(ResultSet rs) throws SQLException {
        return new CommandStore.Command(d.uuid(rs, "id"), d.uuid(rs, "project_id"), d.uuid(rs, "agent_id"),
                rs.getString("action"), rs.getString("target"), rs.getString("parameters"),
                rs.getInt("timeout_seconds"), rs.getString("issued_by"), rs.getString("status"),
                d.time(rs, "issued_at"), d.time(rs, "dispatched_at"), d.time(rs, "finished_at"),
                d.time(rs, "timeout_at"), rs.getString("result"), rs.getString("error"), rs.getString("dispatched_to"),
                d.time(rs, "acked_at"));
    }

    // ------------------------------------------------------------------ stats, trends, home

    /**
     * A count of {@link CountCache}: on a request, a read like any other; in the background (a
     * recount nobody waits for), in the runner's background lane and without parallel workers.
     */
    private <T> T countRead(String what, boolean background, JdbcWork<T> work) throws StoreException {
        return background ? db.readInBackground(what, c -> work.run(d.gently(c))) : db.read(what, work);
    }

    @Override
    public StatsView stats(UUID projectId, Instant since) throws StoreException {
        Map<String, Long> byState = new LinkedHashMap<>();
        TASK_STATES.forEach(s -> byState.put(s, 0L));
        String kept = d.keptTaskStateCounts(); // where the database keeps them, read with the rest below
        if (kept == null) {
            byState.putAll(stateCounts.get(projectId, (p, background) -> countRead("tasks by state", background,
                    c -> countsBy(c, new Sql("SELECT state, count(*) FROM tasks WHERE project_id = ?").uuid(p)
                            .sql(" GROUP BY state")))));
        }
        Map<String, Long> finished = windowCounts.get(Window.of(projectId, "finished", since),
                (w, background) -> countRead("tasks finished in window", background,
                        c -> finishedCounts(c, w.project(), since)));
        return db.read("project stats", c -> {
            Map<String, Long> tasks = byState;
            if (kept != null) {
                tasks = new LinkedHashMap<>(byState);
                tasks.putAll(countsBy(c, new Sql(kept).uuid(projectId)));
            }
            Map<String, Long> agents = countsBy(c, new Sql("SELECT state, count(*) FROM agents WHERE project_id = ?")
                    .uuid(projectId).sql(" GROUP BY state"));
            Map<String, Long> workers = countsBy(c, new Sql("SELECT state, count(*) FROM workers WHERE project_id = ?")
                    .uuid(projectId).sql(" GROUP BY state"));
            long slots = count(c, new Sql("SELECT count(*) FROM agent_workers WHERE project_id = ?").uuid(projectId)
                    .sql(" AND state = 'online'"));
            long pending = count(c, new Sql("SELECT count(*) FROM commands WHERE project_id = ?").uuid(projectId)
                    .sql(" AND status IN ('pending', 'dispatched')"));
            Map<String, Long> done = countsBy(c, new Sql("SELECT status, count(*) FROM commands WHERE project_id = ?")
                    .uuid(projectId).sql(" AND finished_at >= ?").time(since)
                    .sql(" AND status IN ('completed', 'failed', 'timeout') GROUP BY status"));
            List<QueueView> depths = list(new Sql("""
                    SELECT id, project_id, name, engine, broker_type, broker_url_hint, last_seen_at, created_at,
                           pending_count FROM queues WHERE project_id = ?""").uuid(projectId)
                    .sql(" AND pending_count IS NOT NULL ORDER BY name, engine"), c, this::queue);
            long agentsOnline = agents.getOrDefault("online", 0L);
            long workersOnline = workers.getOrDefault("online", 0L);
            return new StatsView(tasks, finished.getOrDefault("failure", 0L), finished.getOrDefault("success", 0L),
                    agentsOnline, sum(agents) - agentsOnline, workersOnline, sum(workers) - workersOnline, slots,
                    pending, done.getOrDefault("completed", 0L), done.getOrDefault("failed", 0L),
                    done.getOrDefault("timeout", 0L), depths);
        });
    }

    @Override
    public List<TrendBucket> trends(UUID projectId, Instant since, Instant until, long bucketSeconds)
            throws StoreException {
        if (bucketSeconds <= 0) {
            throw new IllegalArgumentException("bucketSeconds must be > 0, was " + bucketSeconds);
        }
        Sql q = new Sql("SELECT " + d.bucketOf("finished_at") + " AS bucket, state, count(*) AS n,"
                + " sum(runtime_ms) AS runtime_sum, count(runtime_ms) AS runtime_n FROM tasks").number(bucketSeconds)
                .sql(" WHERE project_id = ?").uuid(projectId)
                .sql(" AND finished_at >= ?").time(since).sql(" AND finished_at <= ?").time(until)
                .sql(" AND state IN ('success', 'failure', 'retry', 'revoked') GROUP BY bucket, state ORDER BY bucket");
        return db.read("task trends", c -> {
            Map<Long, long[]> buckets = new LinkedHashMap<>();
            try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] b = buckets.computeIfAbsent(rs.getLong("bucket"), k -> new long[6]);
                    int slot = List.of("success", "failure", "retry", "revoked").indexOf(rs.getString("state"));
                    b[slot] += rs.getLong("n");
                    b[4] += rs.getLong("runtime_sum");
                    b[5] += rs.getLong("runtime_n");
                }
            }
            List<TrendBucket> out = new ArrayList<>(buckets.size());
            buckets.forEach((index, b) -> out.add(new TrendBucket(index, b[0], b[1], b[2], b[3], b[4], b[5])));
            return out;
        });
    }

    @Override
    public Map<UUID, ProjectActivity> activity(Collection<UUID> projectIds, Instant since, Instant now)
            throws StoreException {
        if (projectIds.isEmpty()) {
            return Map.of();
        }
        // Tasks started and failed in the window: kept for large projects (CountCache); the others
        // are counted before a connection is taken for the rest, all of them in one statement per
        // measure; a project another request is counting right now is not counted again (CountCache).
        List<Window> windows = projectIds.stream().map(p -> Window.of(p, "activity", since)).toList();
        Map<Window, Map<String, Long>> counted = windowCounts.getAll(windows, (ws, background) -> {
            Map<UUID, Map<String, Long>> byProject = countRead("home activity counts", background,
                    c -> activityCounts(c, ws.stream().map(Window::project).toList(), since));
            Map<Window, Map<String, Long>> byWindow = new HashMap<>();
            ws.forEach(w -> byWindow.put(w, byProject.getOrDefault(w.project(), Map.of())));
            return byWindow;
        });
        Map<UUID, Map<String, Long>> windowed = new HashMap<>();
        counted.forEach((w, counts) -> windowed.put(w.project(), counts));
        return db.read("home activity", c -> {
            Map<UUID, Map<String, Long>> agents = statesByProject(c, "agents", projectIds);
            Map<UUID, Map<String, Long>> workers = statesByProject(c, "workers", projectIds);
            // The partial index of live commands holds only pending and dispatched rows.
            Map<UUID, Long> stuck = countsByProject(c, new Sql("""
                    SELECT project_id, count(*) FROM commands
                     WHERE status IN ('pending', 'dispatched') AND status = 'dispatched' AND timeout_at < ?""")
                    .time(now).sql(" AND project_id IN ").uuidList(projectIds).sql(" GROUP BY project_id"));
            Map<UUID, Instant> lastWorker = latestByProject(c, "workers", "last_heartbeat", projectIds);
            Map<UUID, Instant> lastQueue = latestByProject(c, "queues", "last_seen_at", projectIds);
            Map<UUID, ProjectActivity> out = new LinkedHashMap<>();
            for (UUID p : projectIds) {
                Map<String, Long> a = agents.getOrDefault(p, Map.of());
                Map<String, Long> w = workers.getOrDefault(p, Map.of());
                Map<String, Long> n = windowed.getOrDefault(p, Map.of());
                out.put(p, new ProjectActivity(p, n.getOrDefault("started", 0L), n.getOrDefault("failed", 0L),
                        w.getOrDefault("online", 0L), sum(w), a.getOrDefault("online", 0L), sum(a),
                        stuck.getOrDefault(p, 0L), later(lastWorker.get(p), lastQueue.get(p))));
            }
            return out;
        });
    }

    /**
     * Tasks finished since {@code since}, by state (success, failure). Where the database keeps hour
     * counts: its whole hours from the first hour boundary on, plus a count of the part-hour before it.
     */
    private Map<String, Long> finishedCounts(Connection c, UUID project, Instant since) throws SQLException {
        Instant hours = firstKeptHour(since);
        Sql counted = new Sql("SELECT state, count(*) FROM tasks WHERE project_id = ?").uuid(project)
                .sql(" AND finished_at >= ?").time(since);
        if (hours != null) {
            counted.sql(" AND finished_at < ?").time(hours);
        }
        Map<String, Long> out = countsBy(c, counted.sql(" AND state IN ('success', 'failure') GROUP BY state"));
        if (hours != null) {
            keptHours(c, List.of(project), List.of("success", "failure"), hours)
                    .getOrDefault(project, Map.of()).forEach((state, n) -> out.merge(state, n, Long::sum));
        }
        return out;
    }

    /**
     * Per project: "started" (tasks whose list sort key is in the window) and "failed" (failures
     * finished in it); from kept hours and a part-hour count as {@link #finishedCounts}.
     */
    private Map<UUID, Map<String, Long>> activityCounts(Connection c, Collection<UUID> projectIds, Instant since)
            throws SQLException {
        Instant hours = firstKeptHour(since);
        Sql startedQuery = new Sql("SELECT project_id, count(*) FROM ")
                .sql(d.tableUsing("tasks", TASKS_LISTED)).sql(" WHERE project_id IN ").uuidList(projectIds)
                .sql(" AND " + d.taskSortKey() + " >= " + d.taskSortKeyParam()).time(since);
        Sql failedQuery = new Sql("SELECT project_id, count(*) FROM ")
                .sql(d.tableUsing("tasks", TASKS_FAILED))
                .sql(" WHERE state = 'failure' AND finished_at IS NOT NULL AND finished_at >= ?").time(since);
        if (hours != null) {
            startedQuery.sql(" AND " + d.taskSortKey() + " < " + d.taskSortKeyParam()).time(hours);
            failedQuery.sql(" AND finished_at < ?").time(hours);
        }
        Map<UUID, Long> started = countsByProject(c, startedQuery.sql(" GROUP BY project_id"));
        Map<UUID, Long> failed = countsByProject(c, failedQuery.sql(" AND project_id IN ").uuidList(projectIds)
                .sql(" GROUP BY project_id"));
        Map<UUID, Map<String, Long>> kept = hours == null ? Map.of()
                : keptHours(c, projectIds, List.of("started", "failure"), hours);
        Map<UUID, Map<String, Long>> out = new HashMap<>();
        for (UUID p : projectIds) {
            Map<String, Long> k = kept.getOrDefault(p, Map.of());
            out.put(p, Map.of("started", started.getOrDefault(p, 0L) + k.getOrDefault("started", 0L),
                    "failed", failed.getOrDefault(p, 0L) + k.getOrDefault("failure", 0L)));
        }
        return out;
    }

    /** Where a window's kept hours start (the first whole UTC hour at or after {@code since}), or null: none kept. */
    private Instant firstKeptHour(Instant since) {
        if (d.keptHoursFrom() == null) {
            return null;
        }
        Instant hour = since.truncatedTo(ChronoUnit.HOURS);
        return hour.equals(since) ? hour : hour.plus(1, ChronoUnit.HOURS);
    }

    /** Per project and measure, the tasks the database kept for the hours from {@code from} on. */
    private Map<UUID, Map<String, Long>> keptHours(Connection c, Collection<UUID> projectIds, List<String> measures,
                                                   Instant from) throws SQLException {
        Sql q = new Sql("SELECT project_id, measure, sum(tasks) FROM task_hour_counts WHERE project_id IN ")
                .uuidList(projectIds).sql(" AND measure IN ").textList(measures)
                .sql(" AND " + d.keptHoursFrom()).time(from).sql(" GROUP BY project_id, measure");
        Map<UUID, Map<String, Long>> out = new HashMap<>();
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(d.uuid(rs, "project_id"), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return out;
    }

    private Map<UUID, Map<String, Long>> statesByProject(Connection c, String table, Collection<UUID> projectIds)
            throws SQLException {
        Sql q = new Sql("SELECT project_id, state, count(*) FROM " + table + " WHERE project_id IN ")
                .uuidList(projectIds).sql(" GROUP BY project_id, state");
        Map<UUID, Map<String, Long>> out = new HashMap<>();
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(d.uuid(rs, "project_id"), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return out;
    }

    private Map<UUID, Instant> latestByProject(Connection c, String table, String column, Collection<UUID> projectIds)
            throws SQLException {
        Sql q = new Sql("SELECT project_id, max(" + column + ") AS latest FROM " + table + " WHERE project_id IN ")
                .uuidList(projectIds).sql(" GROUP BY project_id");
        Map<UUID, Instant> out = new HashMap<>();
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant t = d.time(rs, "latest");
                if (t != null) {
                    out.put(d.uuid(rs, "project_id"), t);
                }
            }
        }
        return out;
    }

    @Override
    public List<FailureView> recentFailures(Collection<UUID> projectIds, Keys.Failure after, int limit)
            throws StoreException {
        requirePositive(limit);
        if (projectIds != null && projectIds.isEmpty()) {
            return List.of();
        }
        Sql q = failureQuery(projectIds, after, limit);
        return db.read("recent failures", c -> list(q, c, rs -> new FailureView(d.uuid(rs, "id"),
                d.time(rs, "finished_at"), d.uuid(rs, "project_id"), rs.getString("engine"), rs.getString("task_id"),
                rs.getString("name"), rs.getString("worker_name"), rs.getString("exception"),
                rs.getString("priority"))));
    }

    private Sql failureQuery(Collection<UUID> projectIds, Keys.Failure after, int limit) {
        Sql q = new Sql("""
                SELECT id, finished_at, project_id, engine, task_id, name, worker_name,
                       substr(exception, 1, 501) AS exception, priority FROM """).sql(" ")
                .sql(d.tableUsing("tasks", TASKS_FAILED))
                .sql(" WHERE state = 'failure' AND finished_at IS NOT NULL");
        if (projectIds != null) {
            q.sql(" AND project_id IN ").uuidList(projectIds);
        }
        if (after != null) {
            q.sql(" AND finished_at <= ?").time(after.finishedAt())
                    .sql(" AND (finished_at < ?").time(after.finishedAt()).sql(" OR id < ?)").uuid(after.id());
        }
        return q.sql(" ORDER BY finished_at DESC, id DESC LIMIT ?").number(limit);
    }

    // ------------------------------------------------------------------ writes and lookups for commands

    /**
     * One statement: PostgreSQL has no index on the row id alone (it would cost every task write),
     * so the project's list index, whose entries end with the id, is walked once for all of them.
     */
    @Override
    public int deleteTasks(UUID projectId, Collection<UUID> taskRowIds) throws StoreException {
        if (taskRowIds.isEmpty()) {
            return 0;
        }
        Sql q = new Sql("DELETE FROM tasks WHERE project_id = ?").uuid(projectId).sql(" AND id IN ")
                .uuidList(taskRowIds);
        return db.write("delete tasks by id", c -> update(q, c));
    }

    /**
     * Walks the list index for the matching rows first, then deletes them by primary key: a single
     * DELETE with a subquery let PostgreSQL hash-join the whole project's rows against the choice.
     */
    @Override
    public int deleteTasks(TaskFilter filter, int max) throws StoreException {
        requirePositive(max);
        Sql matching = new Sql("SELECT engine, task_id FROM ").sql(tasksUsing(filter));
        taskWhere(matching, filter);
        matching.sql(" ORDER BY " + d.taskSortKey() + " DESC, id DESC LIMIT ?").number(max);
        return db.write("delete tasks by filter", c -> {
            List<String[]> keys = list(matching, c, rs -> new String[] {rs.getString(1), rs.getString(2)});
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM tasks WHERE project_id = ? AND engine = ? AND task_id = ?")) {
                for (String[] k : keys) {
                    d.bindUuid(ps, 1, filter.projectId());
                    ps.setString(2, k[0]);
                    ps.setString(3, k[1]);
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    deleted += Math.max(n, 0);
                }
            }
            return deleted;
        });
    }

    @Override
    public Optional<AgentRef> agent(UUID agentId) throws StoreException {
        Sql q = new Sql("SELECT id, project_id, state, revoked, created_at FROM agents WHERE id = ?").uuid(agentId);
        return db.read("agent", c -> single(q, c, this::agentRef));
    }

    @Override
    public List<dev.z4j.brain.store.Directory.Project> projects(int max) throws StoreException {
        requirePositive(max);
        Sql q = new Sql("SELECT id, slug, name, created_at FROM projects ORDER BY name, slug LIMIT ?").number(max);
        return db.read("list projects", c -> list(q, c, rs -> new dev.z4j.brain.store.Directory.Project(
                d.uuid(rs, "id"), rs.getString("slug"), rs.getString("name"), d.time(rs, "created_at"))));
    }

    @Override
    public Optional<AgentRef> newestOnlineAgent(UUID projectId) throws StoreException {
        Sql q = new Sql("SELECT id, project_id, state, revoked, created_at FROM agents WHERE project_id = ?")
                .uuid(projectId).sql(" AND state = 'online' AND NOT revoked ORDER BY created_at DESC, id DESC LIMIT 1");
        return db.read("newest online agent", c -> single(q, c, this::agentRef));
    }

    private AgentRef agentRef(ResultSet rs) throws SQLException {
        return new AgentRef(d.uuid(rs, "id"), d.uuid(rs, "project_id"), rs.getString("state"),
                rs.getBoolean("revoked"), d.time(rs, "created_at"));
    }

    @Override
    public Map<String, TaskRef> taskRefs(UUID projectId, String engine, Collection<String> taskIds)
            throws StoreException {
        if (taskIds.isEmpty()) {
            return Map.of();
        }
        Sql q = new Sql("SELECT task_id, name, priority FROM tasks WHERE project_id = ?").uuid(projectId)
                .sql(" AND engine = ?").text(engine).sql(" AND task_id IN ").textList(taskIds);
        return db.read("task names", c -> {
            Map<String, TaskRef> out = new LinkedHashMap<>();
            for (TaskRef r : list(q, c, rs -> new TaskRef(rs.getString(1), rs.getString(2), rs.getString(3)))) {
                out.put(r.taskId(), r);
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> list(Sql q, Connection c, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    private <T> Optional<T> single(Sql q, Connection c, Row<T> row) throws SQLException {
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    private int update(Sql q, Connection c) throws SQLException {
        try (PreparedStatement ps = q.prepare(c, d)) {
            return ps.executeUpdate();
        }
    }

    private long count(Connection c, Sql q) throws SQLException {
        return single(q, c, rs -> rs.getLong(1)).orElse(0L);
    }

    private Map<String, Long> countsBy(Connection c, Sql q) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private Map<UUID, Long> countsByProject(Connection c, Sql q) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        try (PreparedStatement ps = q.prepare(c, d); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(d.uuid(rs, "project_id"), rs.getLong(2));
            }
        }
        return out;
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, was " + limit);
        }
    }
}
