package dev.z4j.brain.bench.capacity;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A history for the read phase, generated inside PostgreSQL ({@code INSERT ... SELECT} over
 * {@code generate_series}: no rows cross the wire, which on 2 cores is the fastest way in), one
 * receive day per statement so each commit is a day's rows and the log shows progress. The rows
 * look like the projection's: tasks with the receive days of their events (what the timeline
 * prunes partitions by), events routed to their day's partition through the parent table.
 *
 * <p>Shape: {@code tasks} tasks spread evenly over {@code days} days ending now, each with
 * {@code eventsPerTask} events 2 s apart (received, started, then succeeded or failed, then more
 * of the same kinds); 200 task names, 6 queues, 50 workers, states mostly success.
 */
final class ReadsSeed {
    static final String ENGINE = "celery";

    record Shape(long tasks, int eventsPerTask, int days) {
        Shape {
            if (tasks < days) {
                throw new IllegalArgumentException("--tasks: at least one task a day (" + days + "), was " + tasks);
            }
            if (eventsPerTask < 1) {
                throw new IllegalArgumentException("--events: at least one event per task");
            }
        }

        long events() {
            return tasks * eventsPerTask;
        }
    }

    /** What the seeding took, for the report. */
    record Result(Shape shape, Duration tasks, Duration events, Duration analyse, long tableBytes, long eventBytes) {}

    private ReadsSeed() {}

    /** Fills the project; {@code end} is the newest receive time. */
    static Result seed(DataSource ds, UUID project, UUID agent, Shape shape, Instant end, PrintStream out)
            throws SQLException {
        Instant start = end.minus(Duration.ofDays(shape.days()));
        double secondsPerTask = Duration.ofDays(shape.days()).toSeconds() / (double) shape.tasks();
        long perDay = shape.tasks() / shape.days();
        Duration tasksTook = Duration.ZERO;
        Duration eventsTook = Duration.ZERO;
        try (Connection c = ds.getConnection()) {
            exec(c, "SET synchronous_commit = off"); // a bulk load: no need to wait for each day's WAL flush
            for (int d = 0; d < shape.days(); d++) {
                long from = d * perDay + 1;
                long to = d == shape.days() - 1 ? shape.tasks() : (d + 1) * perDay;
                long t0 = System.nanoTime();
                insertTasks(c, project, start, secondsPerTask, shape.eventsPerTask(), from, to);
                long t1 = System.nanoTime();
                insertEvents(c, project, agent, start, secondsPerTask, shape.eventsPerTask(), from, to);
                long t2 = System.nanoTime();
                tasksTook = tasksTook.plusNanos(t1 - t0);
                eventsTook = eventsTook.plusNanos(t2 - t1);
                if (d % 5 == 4 || d == shape.days() - 1) {
                    out.printf("  seeded day %d/%d: %d tasks, %d events (tasks %d s, events %d s so far)%n", d + 1,
                            shape.days(), to, to * shape.eventsPerTask(), tasksTook.toSeconds(), eventsTook.toSeconds());
                }
            }
            long a0 = System.nanoTime();
            exec(c, "SET maintenance_work_mem = '256MB'");
            // Set the visibility map and statistics as autovacuum would on a table that grew this way.
            exec(c, "VACUUM (ANALYZE) tasks");
            exec(c, "VACUUM (ANALYZE) task_search"); // and the trigram index's pending entries merged
            exec(c, "VACUUM (ANALYZE) events");
            Duration analyse = Duration.ofNanos(System.nanoTime() - a0);
            return new Result(shape, tasksTook, eventsTook, analyse, size(c, "tasks"), size(c, "events"));
        }
    }

    /**
     * Task g: received at start + g * step, started 1 s later (1 in 20 never started), finished
     * at the end of its events (succeeded, or 1 in 10 failed; 1 in 50 still running); its id in task_search.
     */
    private static void insertTasks(Connection c, UUID project, Instant start, double step, int events, long from,
                                    long to) throws SQLException {
        String sql = """
                INSERT INTO tasks (project_id, engine, task_id, name, queue, state, priority, args, kwargs, result,
                                   exception, retry_count, received_at, started_at, finished_at, runtime_ms,
                                   worker_name, first_received_day, last_received_day, created_at, updated_at)
                SELECT ?, 'celery', 'seed-' || g, 'app.tasks.job_' || (g % 200), q.queue, s.state,
                       (ARRAY['normal','normal','normal','high','low','critical'])[1 + g % 6],
                       '[1, 2]', '{"k": "v"}', CASE WHEN s.state = 'success' THEN '"ok"'::jsonb END,
                       CASE WHEN s.state = 'failure' THEN 'ValueError: bad input ' || g END, (g % 7 = 0)::int,
                       r.at, CASE WHEN s.state <> 'received' THEN r.at + interval '1 second' END,
                       CASE WHEN s.state IN ('success', 'failure') THEN r.at + ? * interval '2 second' END,
                       CASE WHEN s.state IN ('success', 'failure') THEN ? * 2000 - 1000 END,
                       'celery@worker-' || (g % 50), (r.at AT TIME ZONE 'UTC')::date,
                       ((r.at + ? * interval '2 second') AT TIME ZONE 'UTC')::date, r.at, r.at
                  FROM generate_series(?::bigint, ?::bigint) g
                 CROSS JOIN LATERAL (SELECT ?::timestamptz + g * ? * interval '1 second' AS at) r
                 CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 = 3 THEN 'received' WHEN g % 50 = 7 THEN 'started'
                                                 WHEN g % 10 = 1 THEN 'failure' WHEN g % 97 = 5 THEN 'retry'
                                                 ELSE 'success' END AS state) s
                 CROSS JOIN LATERAL (SELECT (ARRAY['default','default','default','mail','images','reports',
                                                   'billing','exports'])[1 + g % 8] AS queue) q""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, project);
            ps.setInt(2, events);
            ps.setInt(3, events);
            ps.setInt(4, events - 1);
            ps.setLong(5, from);
            ps.setLong(6, to);
            ps.setObject(7, OffsetDateTime.ofInstant(start, ZoneOffset.UTC));
            ps.setDouble(8, step);
            ps.executeUpdate();
        }
        // each new task's id, as the brain's ingest projection writes it (task search, V017)
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO task_search (project_id, engine, task_id)"
                + " SELECT ?, 'celery', 'seed-' || g FROM generate_series(?::bigint, ?::bigint) g")) {
            ps.setObject(1, project);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.executeUpdate();
        }
    }

    /** Event k of task g is received 2k seconds after the task (its receive day follows). */
    private static void insertEvents(Connection c, UUID project, UUID agent, Instant start, double step, int events,
                                     long from, long to) throws SQLException {
        String sql = """
                INSERT INTO events (project_id, id, agent_id, engine, task_id, kind, occurred_at, received_at,
                                    received_day, payload)
                SELECT ?, gen_random_uuid(), ?, 'celery', 'seed-' || g,
                       (ARRAY['task.received','task.started','task.succeeded','task.retried'])[1 + least(k, 3)],
                       e.at, e.at, (e.at AT TIME ZONE 'UTC')::date,
                       jsonb_build_object('task_id', 'seed-' || g, 'hostname', 'celery@worker-' || (g % 50))
                  FROM generate_series(?::bigint, ?::bigint) g
                 CROSS JOIN generate_series(0, ? - 1) k
                 CROSS JOIN LATERAL (SELECT ?::timestamptz + g * ? * interval '1 second'
                                            + k * interval '2 second' AS at) e""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, project);
            ps.setObject(2, agent);
            ps.setLong(3, from);
            ps.setLong(4, to);
            ps.setInt(5, events);
            ps.setObject(6, OffsetDateTime.ofInstant(start, ZoneOffset.UTC));
            ps.setDouble(7, step);
            ps.executeUpdate();
        }
    }

    /** Days [first, last] of the seeded history (the partitions it needs). */
    static LocalDate firstDay(Instant end, Shape shape) {
        return LocalDate.ofInstant(end.minus(Duration.ofDays(shape.days())), ZoneOffset.UTC);
    }

    private static long size(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) + pg_total_relation_size(?::regclass)
                  FROM pg_inherits i WHERE i.inhparent = ?::regclass""")) {
            ps.setString(1, table);
            ps.setString(2, table);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
