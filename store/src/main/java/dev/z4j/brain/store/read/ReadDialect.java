package dev.z4j.brain.store.read;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What differs between PostgreSQL and SQLite in the operator reads: how ids, times and receive days
 * are bound and read, and a few SQL fragments. Everything else (every WHERE, ORDER BY and keyset)
 * is written once in {@link SqlOperatorReads}, so both databases answer the same question.
 */
public interface ReadDialect {

    void bindUuid(PreparedStatement ps, int index, UUID value) throws SQLException;

    /** A nullable time. */
    void bindTime(PreparedStatement ps, int index, Instant value) throws SQLException;

    /** A receive day (UTC days since 1970-01-01): PostgreSQL {@code date}, SQLite INTEGER. */
    void bindDay(PreparedStatement ps, int index, long epochDay) throws SQLException;

    UUID uuid(ResultSet rs, String column) throws SQLException;

    /** A nullable time column. */
    Instant time(ResultSet rs, String column) throws SQLException;

    /** A nullable receive-day column as UTC days since 1970-01-01. */
    Long day(ResultSet rs, String column) throws SQLException;

    /** A list-of-text column (PostgreSQL text[], SQLite JSON array text); null stays null. */
    List<String> textList(ResultSet rs, String column) throws SQLException;

    /**
     * The task list's sort key: started_at with "never started" below every time, so that ordering
     * newest first puts them last and the keyset runs through them.
     */
    String taskSortKey();

    /**
     * True when a task's received_at lies in the UTC hour that starts at the bound time, written as
     * the received-hour index (V016) has it; one placeholder.
     */
    String taskReceivedInHour();

    /** A bound nullable time as a value of {@link #taskSortKey} (null = never started); one placeholder. */
    String taskSortKeyParam();

    /** True when {@code haystack} contains the bound needle, compared exactly; one placeholder. */
    String contains(String haystack);

    /** {@code expression} with A-Z lowered to a-z and nothing else changed, on either database. */
    String asciiLower(String expression);

    /**
     * The index of the bucket {@code timeColumn} falls in, buckets of a bound number of seconds from
     * 1970-01-01 (floor); one placeholder.
     */
    String bucketOf(String timeColumn);

    /**
     * {@code table} as a FROM item that walks {@code index}. SQLite's planner, which has no
     * statistics, is told; PostgreSQL's chooses it from its statistics (the plan tests check).
     */
    String tableUsing(String table, String index);

    /**
     * Whether task ids can be searched by substring through an index of their own (PostgreSQL with
     * pg_trgm: V017's trigram index on task_search); asked once per reads instance.
     */
    boolean taskIdSearchIndex(Connection c) throws SQLException;

    /**
     * What ends a subquery so that it is planned on its own, not merged into the query around it,
     * and changes nothing else: PostgreSQL {@code OFFSET 0}; SQLite needs a LIMIT before an OFFSET.
     */
    String subqueryFence();

    /**
     * A statement giving a project's tasks by state (state, count; one placeholder, the project)
     * from counts the database keeps as tasks change, or null where it keeps none and the tasks
     * are counted ({@link CountCache}).
     */
    default String keptTaskStateCounts() {
        return null;
    }

    /**
     * The condition on {@code task_hour_counts} that picks the hours from a bound time on (one
     * placeholder, a whole UTC hour), or null where the database keeps no hour counts and a
     * window's tasks are counted.
     */
    default String keptHoursFrom() {
        return null;
    }

    /**
     * Whether the database keeps each project's distinct task names, queues and workers in
     * {@code task_values} (kind 'name', 'queue', 'worker'), a superset of those its tasks have;
     * where it does not, they are read from the tasks' indexes by skip scans.
     */
    default boolean keepsTaskValues() {
        return false;
    }

    /**
     * {@code c}, set up for a statement nobody waits for (a background recount): PostgreSQL plans
     * it without parallel workers for the rest of the transaction, so it takes one core, not all;
     * SQLite has none to turn off.
     */
    default Connection gently(Connection c) throws SQLException {
        return c;
    }
}
