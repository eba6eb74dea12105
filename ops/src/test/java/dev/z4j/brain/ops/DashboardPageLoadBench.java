package dev.z4j.brain.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Page load times of the dashboard against a big SQLite database, measured in headless chromium
 * (not a test: it prints figures). Seeds N tasks (default 1 000 000) into project "default" with
 * one INSERT ... SELECT of the columns the store's task projection writes, spread over the last
 * 7 days, then opens each page several times and prints, per page, the median of: DOM ready and
 * the load event (Navigation Timing), the moment the page's main data is on screen (the first row,
 * chart or card), the moment its last API answer arrived ("complete"), all from navigation start,
 * and the slowest API call (Resource Timing).
 *
 * Run: ops/e2e/dashboard-pageload.sh [tasks]
 */
public final class DashboardPageLoadBench {
    private static final String UUID_SQL = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"
            + " substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
    private static final int RUNS = 7;
    /** The slowest API call of the last measured load. */
    private static String slowest = "";

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        Path home = Files.createTempDirectory("z4j-pageload");
        Map<String, String> env = BrainFixture.baseEnv(BrainFixture.Db.SQLITE, home);
        env.putAll(OperatorClient.FAST);
        env.put("Z4J_LOG_LEVEL", "warn");
        // First start: schema, project "default", the admin. Then seed with the brain stopped.
        try (Brain first = Brain.start(BrainConfig.fromEnv(env))) {
            java.net.http.HttpResponse<String> minted = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + first.port()
                                    + "/api/v1/projects/default/agents"))
                            .header("Authorization", "Bearer " + first.bootstrapAdminKey().orElseThrow())
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (minted.statusCode() != 201) {
                throw new IllegalStateException("mint failed: " + minted.body());
            }
        }
        long t = System.nanoTime();
        seed(home, tasks);
        System.out.printf("seeded %,d tasks in %.1f s (%s)%n", tasks, (System.nanoTime() - t) / 1e9, home);

        try (Brain brain = Brain.start(BrainConfig.fromEnv(env)); Browser browser = Browser.start()) {
            run(brain, browser, tasks);
        } finally {
            try (var files = Files.walk(home)) { // the database is a few hundred MB
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void run(Brain brain, Browser browser, int tasks) {
        String base = "http://localhost:" + brain.port();
        WebDriver web = browser.driver;
        web.get(base + "/login");
        WebDriverWait wait = new WebDriverWait(web, Duration.ofSeconds(30));
        wait.until(d -> d.findElements(By.id("email")).size() == 1);
        web.findElement(By.id("email")).sendKeys("admin@example.com");
        web.findElement(By.id("password")).sendKeys(OperatorClient.ADMIN_PASSWORD());
        web.findElement(By.id("sign-in")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/home"));

        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("/home", "#view table tbody tr");
        pages.put("/p/default", "#trend-chart canvas");
        pages.put("/p/default/tasks", "#task-rows tr[data-key]");
        pages.put("/p/default/tasks?until=" + Instant.now().minus(Duration.ofDays(3).plusHours(12)),
                "#task-rows tr[data-key]"); // half way down the table: a deep keyset walk
        pages.put("/p/default/tasks?state=failure", "#task-rows tr[data-key]");
        pages.put("/p/default/tasks?queue=mail&priority=high", "#task-rows tr[data-key]");
        pages.put("/p/default/tasks/celery/task-" + tasks, "#timeline");
        pages.put("/p/default/commands", "#commands table");
        pages.put("/p/default/workers", "#view table");
        pages.put("/p/default/queues", "#queues table");
        pages.put("/p/default/agents", "#agents table");
        pages.put("/pipeline", "#pipeline .card");

        System.out.printf("%nmedian of %d loads, ms from navigation start (chromium %s, headless)%n", RUNS,
                ((JavascriptExecutor) web).executeScript("return navigator.userAgent.match(/Chrome\\/([0-9.]+)/)[1]"));
        System.out.printf("%-42s %9s %6s %10s %9s   %s%n", "page", "DOM ready", "load", "data shown", "complete",
                "slowest API call");
        for (Map.Entry<String, String> p : pages.entrySet()) {
            String path = p.getKey();
            List<double[]> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                web.get(base + path);
                runs.add(measure(web, p.getValue()));
            }
            String label = path.contains("until=") ? "/p/default/tasks?until=(3.5 d ago)" : path;
            System.out.printf("%-42s %9.0f %6.0f %10.0f %9.0f   %.0f ms %s%n", label, median(runs, 0), median(runs, 1),
                    median(runs, 2), median(runs, 4), median(runs, 3), slowest);
        }
    }

    /** [DOM ready, load event, data on screen, slowest API call, complete], ms (from navigation start but the API call). */
    private static double[] measure(WebDriver web, String selector) {
        Object r = ((JavascriptExecutor) web).executeAsyncScript("""
                const [selector, done] = arguments;
                const started = performance.now();
                const look = () => {
                  if (document.querySelector(selector)) {
                    const shown = performance.now();
                    // Then wait until no API call has started or ended for 400 ms: the page is complete.
                    let seen = -1, quietSince = performance.now();
                    const finish = () => {
                      const n = performance.getEntriesByType('navigation')[0];
                      const calls = performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/'));
                      if (calls.length !== seen) { seen = calls.length; quietSince = performance.now(); }
                      if (!n || n.loadEventEnd === 0 || performance.now() - quietSince < 400) { setTimeout(finish, 20); return; }
                      const api = [...calls].sort((a, b) => b.duration - a.duration)[0];
                      const complete = Math.max(shown, ...calls.map(e => e.responseEnd));
                      done([n.domContentLoadedEventEnd, n.loadEventEnd, shown, api ? api.duration : 0,
                            api ? new URL(api.name).pathname.replace('/api/v1/projects/default', '') : '', complete]);
                    };
                    finish();
                  } else if (performance.now() - started > 20000) {
                    done([-1, -1, -1, 0, '', -1]);
                  } else {
                    requestAnimationFrame(look);
                  }
                };
                look();
                """, selector);
        @SuppressWarnings("unchecked")
        List<Object> v = (List<Object>) r;
        if (((Number) v.get(2)).doubleValue() < 0) {
            throw new IllegalStateException("no " + selector + " on " + web.getCurrentUrl() + " within 20 s");
        }
        slowest = (String) v.get(4);
        return new double[] {((Number) v.get(0)).doubleValue(), ((Number) v.get(1)).doubleValue(),
                ((Number) v.get(2)).doubleValue(), ((Number) v.get(3)).doubleValue(), ((Number) v.get(5)).doubleValue()};
    }

    private static double median(List<double[]> runs, int i) {
        double[] x = runs.stream().mapToDouble(r -> r[i]).sorted().toArray();
        return x[x.length / 2];
    }

    private static void seed(Path home, int tasks) throws Exception {
        long now = Instant.now().toEpochMilli() * 1000;
        long span = 7L * 86_400_000_000L; // microseconds over which the tasks started
        long step = Math.max(1, span / tasks);
        long t0 = now - span;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("z4j.db"));
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            String project = "(SELECT id FROM projects WHERE slug = 'default')";
            s.execute("""
                    INSERT INTO tasks (id, project_id, engine, task_id, name, queue, state, priority, received_at,
                                       started_at, finished_at, runtime_ms, worker_name, args, kwargs,
                                       first_received_day, last_received_day, created_at, updated_at)
                    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < %d)
                    SELECT %s, %s, 'celery', 'task-' || g, 'app.tasks.t' || (g %% 50),
                           CASE g %% 3 WHEN 0 THEN 'default' WHEN 1 THEN 'mail' ELSE 'images' END,
                           CASE g %% 7 WHEN 3 THEN 'failure' WHEN 4 THEN 'started' WHEN 5 THEN 'received'
                                       WHEN 6 THEN 'retry' ELSE 'success' END,
                           CASE g %% 4 WHEN 0 THEN 'normal' WHEN 1 THEN 'high' WHEN 2 THEN 'low' ELSE 'critical' END,
                           %d + g * %d, %d + g * %d + 1000,
                           CASE WHEN g %% 7 IN (0, 1, 2, 3) THEN %d + g * %d + 2000000 END,
                           CASE WHEN g %% 7 IN (0, 1, 2) THEN 2000 END,
                           'celery@host' || (g %% 20), '[' || g || ']', '{}',
                           (%d + g * %d) / 86400000000, (%d + g * %d) / 86400000000, %d, %d
                      FROM n""".formatted(tasks, UUID_SQL, project, t0, step, t0, step, t0, step, t0, step, t0, step,
                    now, now));
            // The newest task's timeline, for the task page.
            String agent = "(SELECT id FROM agents WHERE name = 'bench')";
            for (String kind : List.of("task.received", "task.started", "task.succeeded")) {
                s.execute("INSERT INTO events (project_id, id, agent_id, engine, task_id, kind, occurred_at, received_at,"
                        + " received_day, payload) VALUES (" + project + ", " + UUID_SQL + ", " + agent
                        + ", 'celery', 'task-" + tasks + "', '" + kind + "', " + (t0 + tasks * step) + ", "
                        + (t0 + tasks * step) + ", " + (t0 + tasks * step) / 86_400_000_000L + ", '{}')");
            }
            c.commit(); // no ANALYZE: the brain's SQLite runs without statistics (its lists name their index)
        }
    }
}
