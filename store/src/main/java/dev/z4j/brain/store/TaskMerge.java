package dev.z4j.brain.store;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * How a {@link TaskUpdate} combines with the stored task row: the one rule set both stores render
 * into their upsert, so PostgreSQL and SQLite cannot drift apart.
 *
 * <p>State precedence, against the row as it was before the batch:
 * <ul>
 *   <li>a terminal state (success, failure, revoked) always replaces a non-terminal one, whatever
 *       the times; a non-terminal state never replaces a terminal one;</li>
 *   <li>within a tier, a state applies only if its occurred_at is not older than the row's latest
 *       lifecycle time (max of received_at, started_at, finished_at, capped at now, so a clock far
 *       ahead cannot lock a task);</li>
 *   <li>so: a terminal row takes the batch's last terminal state if it passes the time test; a
 *       non-terminal row takes the batch's last terminal state if it passes, else its first one;
 *       with no terminal state in the batch, its last non-terminal state if it passes.</li>
 * </ul>
 * Informational columns take the batch's value when it has one, whatever the state decision;
 * lifecycle times take the later of both; exception and traceback are replaced (null included)
 * when the batch had a success or failure. The receive-day range widens to cover the batch's
 * days; a stored row with no first day (written before the column existed) keeps none, because
 * its older events may lie on any day.
 */
public final class TaskMerge {

    /** The SQL vocabulary of one database. */
    public interface Dialect {
        /** The batch's value of a staged field (one of {@link #FIELDS}). */
        String given(String field);

        /** The stored row's value of a tasks column, before this statement. */
        String stored(String column);

        /** The latest of nullable times (or receive days), ignoring nulls; null only when all are null. */
        String latest(String... times);

        /** The earlier of two non-null times (or receive days). */
        String earliest(String a, String b);

        /** The current time of the transaction. */
        String now();

        /** A time before any stored time. */
        String minusInfinity();
    }

    /**
     * The staged fields of one update, in this order: PostgreSQL's staging COPY and SQLite's
     * parameters both follow it. Most are the tasks column of the same name.
     */
    public static final List<String> FIELDS = List.of(
            "project_id", "engine", "task_id", "name", "queue", "priority", "args", "kwargs", "result",
            "runtime_ms", "retry_count", "worker_name", "parent_task_id", "root_task_id", "replaces_failure_text",
            "exception", "traceback", "received_at", "started_at", "finished_at", "insert_state",
            "first_terminal_state", "last_terminal_state", "last_terminal_at", "last_non_terminal_state",
            "last_non_terminal_at", "first_received_day", "last_received_day");

    private static final List<String> KEYS = List.of("project_id", "engine", "task_id");
    private static final List<String> GIVEN_OR_STORED = List.of(
            "name", "queue", "priority", "args", "kwargs", "result", "runtime_ms", "retry_count", "worker_name",
            "parent_task_id", "root_task_id");
    private static final List<String> FAILURE_TEXT = List.of("exception", "traceback");
    private static final List<String> LIFECYCLE = List.of("received_at", "started_at", "finished_at");
    private static final String FIRST_DAY = "first_received_day";
    private static final String LAST_DAY = "last_received_day";

    /** The tasks columns the projection writes, in the order of {@link #insertValues}. */
    public static final List<String> COLUMNS = columns();

    private TaskMerge() {}

    private static List<String> columns() {
        List<String> all = new ArrayList<>(KEYS);
        all.add("state");
        all.addAll(GIVEN_OR_STORED);
        all.addAll(FAILURE_TEXT);
        all.addAll(LIFECYCLE);
        all.add(FIRST_DAY);
        all.add(LAST_DAY);
        return List.copyOf(all);
    }

    /** "col, col, ..." of {@link #COLUMNS}. */
    public static String columnList() {
        return String.join(", ", COLUMNS);
    }

    /** The values of a row this update creates, in {@link #COLUMNS} order. */
    public static String insertValues(Dialect d) {
        StringJoiner values = new StringJoiner(", ");
        for (String column : COLUMNS) {
            values.add(switch (column) {
                case "state" -> d.given("insert_state");
                case "priority" -> "coalesce(" + d.given("priority") + ", 'normal')";
                case "retry_count" -> "coalesce(" + d.given("retry_count") + ", 0)";
                default -> d.given(column);
            });
        }
        return values.toString();
    }

    /** The non-key columns of {@link #COLUMNS}, in order: the left side of {@link #updateValues}. */
    public static List<String> updatedColumns() {
        return COLUMNS.subList(KEYS.size(), COLUMNS.size());
    }

    /** The new value of each of {@link #updatedColumns} for a row that exists, in order. */
    public static List<String> updateValues(Dialect d) {
        List<String> values = new ArrayList<>();
        for (String column : updatedColumns()) {
            if (column.equals("state")) {
                values.add(state(d));
            } else if (GIVEN_OR_STORED.contains(column)) {
                values.add("coalesce(" + d.given(column) + ", " + d.stored(column) + ")");
            } else if (FAILURE_TEXT.contains(column)) {
                values.add("CASE WHEN " + d.given("replaces_failure_text") + " THEN " + d.given(column)
                        + " ELSE " + d.stored(column) + " END");
            } else if (column.equals(FIRST_DAY)) {
                values.add("CASE WHEN " + d.stored(column) + " IS NULL THEN NULL ELSE "
                        + d.earliest(d.stored(column), d.given(column)) + " END");
            } else {
                values.add(d.latest(d.stored(column), d.given(column)));
            }
        }
        return values;
    }

    private static String state(Dialect d) {
        String lifecycle = d.earliest(
                "coalesce(" + d.latest(d.stored("received_at"), d.stored("started_at"), d.stored("finished_at"))
                        + ", " + d.minusInfinity() + ")",
                d.now());
        String lastTerminalPasses = d.given("last_terminal_at") + " >= " + lifecycle;
        return "CASE"
                + " WHEN " + d.stored("state") + " IN ('success', 'failure', 'revoked')"
                + " THEN CASE WHEN " + lastTerminalPasses + " THEN " + d.given("last_terminal_state")
                + " ELSE " + d.stored("state") + " END"
                + " WHEN " + d.given("last_terminal_state") + " IS NOT NULL"
                + " THEN CASE WHEN " + lastTerminalPasses + " THEN " + d.given("last_terminal_state")
                + " ELSE " + d.given("first_terminal_state") + " END"
                + " WHEN " + d.given("last_non_terminal_at") + " >= " + lifecycle
                + " THEN " + d.given("last_non_terminal_state")
                + " ELSE " + d.stored("state") + " END";
    }
}
