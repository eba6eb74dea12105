package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Samples PostgreSQL's {@code pg_stat_activity} every {@link #EVERY_MS} ms and writes each backend
 * running a statement, or idle inside a transaction, for over {@link #SLOW_MS} ms to a file: a read that waits seconds
 * shows there with what it waits on ({@code wait_event_type}/{@code wait_event}) and what else ran
 * then. Its own connection, so a pool the brain exhausted does not hide what exhausted it.
 */
final class ActivitySampler implements AutoCloseable {
    static final int EVERY_MS = 250;
    static final int SLOW_MS = 1000;
    private static final String QUERY = """
            SELECT now() - query_start AS running, clock_timestamp() - state_change AS in_state, state,
                   coalesce(wait_event_type, '-') AS wtype, coalesce(wait_event, '-') AS wevent, backend_type,
                   left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS q
            FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'
              AND CASE WHEN state LIKE 'idle in transaction%%' THEN clock_timestamp() - state_change
                       ELSE now() - query_start END > interval '%d milliseconds'
            ORDER BY query_start""".formatted(SLOW_MS);

    private final Thread thread;
    private final Path file;
    /** Samples per (state, wait, query) seen: the summary printed at close. */
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private ActivitySampler(DataSource ds, Path file) {
        this.file = file;
        this.thread = Thread.ofPlatform().daemon().name("pg-activity-sampler").start(() -> loop(ds));
    }

    static ActivitySampler start(DataSource ds, Path file) {
        return new ActivitySampler(ds, file);
    }

    private void loop(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("# pg_stat_activity every " + EVERY_MS + " ms: backends running > " + SLOW_MS
                    + " ms or idle in a transaction that long (running | in state | state | wait | backend | query)");
            while (running) {
                String at = Instant.now().toString();
                try (ResultSet r = s.executeQuery(QUERY)) {
                    while (r.next()) {
                        String wait = r.getString("wtype") + ":" + r.getString("wevent");
                        w.printf(Locale.ROOT, "%s | %s | %s | %s | %s | %s | %s%n", at, r.getString("running"),
                                r.getString("in_state"), r.getString("state"), wait, r.getString("backend_type"),
                                r.getString("q"));
                        seen.merge(r.getString("state") + " " + wait + " " + r.getString("q"), 1, Integer::sum);
                    }
                }
                w.flush();
                Thread.sleep(EVERY_MS);
            }
        } catch (SQLException | IOException e) {
            System.err.println("activity sampler stopped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The most-seen slow backends, "samples x state wait query", most first. */
    List<String> top(int n) {
        return seen.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(n).map(e -> e.getValue() + " x " + e.getKey()).collect(Collectors.toList());
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
