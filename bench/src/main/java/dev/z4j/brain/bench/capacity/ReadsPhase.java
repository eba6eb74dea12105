package dev.z4j.brain.bench.capacity;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The read phase of the capacity run ({@code bench/capacity.sh --only reads}): a large history
 * seeded inside its own embedded PostgreSQL ({@link ReadsSeed}), one brain process on it, and
 * concurrent operator readers over real HTTP ({@link ReadLoad}) on every list, filter, detail,
 * timeline, stats and home read, first alone, then while a load generator ingests at half the
 * batched capacity this brain has on this history (searched by the same {@link Ladder} as the full
 * run, after the first round, in a project of its own), or at {@code --ingest-rate}. Writes its own
 * section of docs/CAPACITY.md between the markers below, with the plans PostgreSQL ran for the
 * timeline (partition pruning) and the stats.
 */
final class ReadsPhase {
    static final String BEGIN = "<!-- reads:begin (bench/capacity.sh --only reads) -->";
    static final String END = "<!-- reads:end -->";
    static final String PROJECT = "default";
    static final double LIST_TARGET_MS = 50;
    static final double STATS_TARGET_MS = 250;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where the capacity search ingests: a project of its own. Its steps write hundreds of thousands
     * of tasks; in the read project they would sit above the history, and a name or search page
     * would walk all of them (none match) before its first row: 2.3 and 4.7 s p50 in the run that
     * tried it, a measure of the search's leftovers, not of the reads.
     */
    static final String LADDER_PROJECT = "capacity-search";
    /** The batched shape of the full run's ladder, started higher: a seeded brain is warm and keeps up with 4,000. */
    static final EndToEnd.Shape CAPACITY = new EndToEnd.Shape("batched", Capacity.BATCHED.agents(),
            Capacity.BATCHED.workers(), Stream.concat(Capacity.BATCHED.options().stream(),
                    Stream.of("--project", LADDER_PROJECT)).toList(), 4000, 5, 250);
    /** {@link Options#ingestRate()} when no {@code --ingest-rate} was given: half of the measured capacity. */
    static final double HALF_MEASURED = -1;

    /**
     * What {@code --only reads} is told: history size, readers, measuring time, background ingest
     * rate (0 = none, {@link #HALF_MEASURED} = half the batched capacity searched on the seeded brain).
     */
    record Options(long tasks, long events, int days, int readers, Duration warmup, Duration duration,
                   double ingestRate, long readRate) {
        static Options parse(String[] args) {
            return parse(args, 5_000_000, 20_000_000, HALF_MEASURED);
        }

        /** With other defaults for the history size and the ingest rate (the read-replica step's). */
        static Options parse(String[] args, long defaultTasks, long defaultEvents, double defaultIngestRate) {
            long tasks = longOption(args, "--tasks", defaultTasks);
            long events = longOption(args, "--events", defaultEvents);
            if (events < tasks || events % tasks != 0) {
                throw new IllegalArgumentException("--events: a multiple of --tasks (" + tasks + "), was " + events);
            }
            int readers = (int) longOption(args, "--readers", 8);
            if (readers < 1) {
                throw new IllegalArgumentException("--readers: at least 1, was " + readers);
            }
            long seconds = longOption(args, "--read-seconds", 60);
            if (seconds < 5) {
                throw new IllegalArgumentException("--read-seconds: at least 5, was " + seconds);
            }
            double rate = longOption(args, "--ingest-rate", (long) defaultIngestRate);
            if (rate < 0 && rate != HALF_MEASURED) {
                throw new IllegalArgumentException("--ingest-rate: events per second, 0 for none, was " + (long) rate);
            }
            // 20 operators, each with a dashboard that polls its ~10 requests every 5 s
            long readRate = longOption(args, "--read-rate", 40);
            if (readRate < 0) {
                throw new IllegalArgumentException("--read-rate: requests per second, 0 for no paced round, was " + readRate);
            }
            return new Options(tasks, events, 30, readers, Duration.ofSeconds(10), Duration.ofSeconds(seconds), rate,
                    readRate);
        }

        ReadsSeed.Shape shape() {
            return new ReadsSeed.Shape(tasks, (int) (events / tasks), days);
        }
    }

    /**
     * One measured round: the readers' figures, the background ingest's report (null without one)
     * and how its rate was chosen.
     */
    record Round(String label, List<ReadLoad.Figures> figures, LoadGen.Result ingest, String ingestBasis, String load,
                 String refusals, Duration settled, String slowSeconds) {}

    /** How long {@link #awaitPersisted} waits for the brain to finish what earlier loads left it. */
    static final Duration SETTLE_LIMIT = Duration.ofMinutes(5);
    /** The brain counts as idle once no batch has been committed for this long. */
    static final Duration IDLE = Duration.ofSeconds(2);

    private ReadsPhase() {}

    static void run(Path root, Path work, Children children, Options o, Path report, String command,
                    PrintStream out) throws Exception {
        Instant started = Instant.now();
        Path jdk = Path.of(System.getProperty("java.home"));
        List<String> flags = LauncherFlags.read(root, jdk);
        Path pgDir = Files.createDirectories(work.resolve("reads-pgdata"));
        Map<String, String> pgConfig = Map.of("shared_buffers", "1GB", "max_wal_size", "8GB",
                "checkpoint_timeout", "30min");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true);
        pgConfig.forEach(builder::setServerConfig);
        // Kept with --keep: what held the brain's connections when a read waited (lock waits, slow
        // statements, checkpoints, autovacuum); not tuning, so not in the report's settings.
        Path pgLog = Files.createDirectories(work.resolve("reads-pglog"));
        Map.of("logging_collector", "on", "log_directory", pgLog.toString(), "log_lock_waits", "on",
                "log_min_duration_statement", "1000", "log_checkpoints", "on", "log_autovacuum_min_duration", "1000")
                .forEach(builder::setServerConfig); // PostgreSQL 17's default line prefix has the time and pid
        try (EmbeddedPostgres pg = builder.start()) {
            String dbUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
            DataSource ds = pg.getPostgresDatabase();
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ReadsSeed.Shape shape = o.shape();
            UUID project;
            try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(dbUrl, work, 60_000, 4))) {
                db.migrate();
                // the seeded days and the week ahead, as the brain's partition job keeps them
                db.ensurePartitions(end.minus(Duration.ofDays(shape.days() + 1)), shape.days() + 8);
                Directory.Project p = db.directory().createProject(PROJECT, "Default");
                project = p.id();
                db.directory().createProject(LADDER_PROJECT, "Capacity search");
                UUID agent = db.directory().createAgent(project, "seed-agent", "seed-" + UUID.randomUUID()).id();
                out.printf("[reads] seeding %d tasks and %d events over %d days (INSERT ... SELECT generate_series, "
                        + "server-side)%n", shape.tasks(), shape.events(), shape.days());
                ReadsSeed.Result seed = ReadsSeed.seed(ds, project, agent, shape, end, out);
                out.printf("  seeded: tasks %d s, events %d s, vacuum analyse %d s; tasks %d MiB, events %d MiB%n",
                        seed.tasks().toSeconds(), seed.events().toSeconds(), seed.analyse().toSeconds(),
                        seed.tableBytes() >> 20, seed.eventBytes() >> 20);
                Setup setup = new Setup(jdk, root.resolve("ops/target/z4j-brain.jar"),
                        root.resolve("loadgen/target/z4j-loadgen.jar"), work, dbUrl, Capacity.newSecret(), flags);
                List<Round> rounds = new ArrayList<>();
                Plans plans;
                try (BrainNode brain = BrainNode.start(children, setup, "reads-brain", flags, setup.brainEnv());
                     ActivitySampler activity = ActivitySampler.start(ds, work.resolve("reads-pg-activity.log"))) {
                    String adminKey = brain.adminKey != null ? brain.adminKey : SocketPhases.printedKey(brain.logTail(60));
                    if (adminKey == null) {
                        throw new IllegalStateException("the brain printed no admin key: " + brain.logTail(10));
                    }
                    ReadLoad load = new ReadLoad(brain.port, adminKey);
                    List<ReadLoad.Endpoint> mix = mix(load, shape, end);
                    out.printf("[reads] %d readers, %d s warm-up, %d s measured, no ingest%n", o.readers(),
                            o.warmup().toSeconds(), o.duration().toSeconds());
                    rounds.add(round("reads alone", load, mix, o, out));
                    if (o.ingestRate() != 0) {
                        LoadGen loadgen = new LoadGen(children, setup);
                        Path ladderCredentials = work.resolve("agents-ladder.json");
                        double rate = o.ingestRate();
                        String basis = "fixed by `--ingest-rate`";
                        if (rate == HALF_MEASURED) {
                            out.printf("[reads] batched capacity of this brain on this history (%s)%n", CAPACITY.describe());
                            EndToEnd.Search search = EndToEnd.search(loadgen, brain, adminKey, ladderCredentials, CAPACITY, out);
                            if (search.found()) {
                                rate = Math.round(search.sustained() / 2);
                                basis = "half the " + search.figure() + " the batched ladder sustained on this brain and "
                                        + "history just before, into a project of its own (" + steps(search) + ")";
                            } else {
                                rate = 0;
                                basis = "batched ladder: " + search.figure();
                                out.println("  no capacity found: the round with ingest is skipped");
                            }
                        }
                        if (rate > 0) {
                            rounds.addAll(withIngest(load, mix, o, loadgen, brain, adminKey, work, rate, basis, out));
                        } else {
                            rounds.add(new Round("reads + ingest", List.of(), null, basis, Machine.loadNow(), "",
                                    Duration.ZERO, ""));
                        }
                    }
                    plans = Plans.capture(ds, project, shape, end);
                    out.println("[reads] backends seen busy or idle in a transaction over " + ActivitySampler.SLOW_MS + " ms, most samples first ("
                            + activity.file() + ", PostgreSQL's log in " + pgLog + "):");
                    activity.top(8).forEach(line -> out.println("  " + line));
                }
                String section = markdown(o, seed, rounds, plans, pgConfig, flags, command, started,
                        Duration.between(started, Instant.now()));
                SocketPhases.write(report, section, BEGIN, END);
                out.println("wrote the reads section of " + report);
            }
        }
    }

    /**
     * The same requests while a loadgen ingests {@code rate} ev/s (batched shape) into the same
     * project: first (unless {@code --read-rate 0}) paced at the read rate, then by the closed-loop
     * readers, each round with an ingest run of its own so that each reports whether the ingest
     * kept up (the closed loop saturates the cores and leaves a backlog behind it).
     */
    private static List<Round> withIngest(ReadLoad load, List<ReadLoad.Endpoint> mix, Options o, LoadGen loadgen,
                                          BrainNode brain, String adminKey, Path work, double rate, String basis,
                                          PrintStream out) throws Exception {
        List<Round> rounds = new ArrayList<>();
        if (o.readRate() > 0) {
            out.printf("[reads] paced: %d requests/s, each timed from when it was due, while a loadgen ingests %.0f "
                    + "ev/s (batched shape)%n", o.readRate(), rate);
            Readers paced = () -> load.runPaced(mix, o.readRate(), o.warmup(), o.duration(),
                    (long) LIST_TARGET_MS);
            rounds.add(underIngest(pacedLabel(o), load, paced, o, loadgen, brain, adminKey,
                    work.resolve("agents-reads-paced.json"), rate, basis, out));
        }
        out.printf("[reads] %d readers while a loadgen ingests %.0f ev/s (batched shape)%n", o.readers(), rate);
        rounds.add(underIngest("reads + ingest", load, () -> load.run(mix, o.readers(), o.warmup(), o.duration()),
                o, loadgen, brain, adminKey, work.resolve("agents-reads.json"), rate, basis, out));
        return rounds;
    }

    @FunctionalInterface
    interface Readers {
        List<ReadLoad.Figures> run() throws Exception;
    }

    static Round underIngest(String label, ReadLoad load, Readers readers, Options o, LoadGen loadgen, BrainNode brain,
                                     String adminKey, Path credentials, double rate, String basis, PrintStream out)
            throws Exception {
        Duration settled = awaitPersisted(brain);
        out.printf("  the brain had persisted what earlier loads left it after %.1f s%n", settled.toMillis() / 1000.0);
        EndToEnd.Shape shape = Capacity.BATCHED;
        List<String> args = new ArrayList<>(LoadGen.args(brain.wsUrl(), adminKey, credentials,
                shape.agents(), shape.workers(), "steady"));
        args.addAll(shape.options());
        long seconds = o.warmup().plus(o.duration()).toSeconds() + 10;
        args.addAll(List.of("--rate", Long.toString(Math.round(rate)), "--duration", seconds + "s", "--drain", "20s"));
        String run = "reads-ingest-" + credentials.getFileName().toString().replace(".json", "");
        Process bg = loadgen.startRun(run, args);
        LoadGen.awaitConnections(bg, loadgen.logOf(run), shape.agents() * shape.workers(), Duration.ofSeconds(60));
        Thread.sleep(3000); // the ingest rate settles before the readers start
        Round r = report(label, readers.run(), load.takeRefusals(), load.takeSlowSeconds(), out);
        LoadGen.Result ingest = loadgen.await(run, bg, rate, Duration.ofSeconds(seconds + 90));
        out.printf("  ingest: %.0f ev/s acked (target %.0f), ack p99 %.0f ms, exit %d%n",
                ingest.ackedPerSecond(), rate, ingest.ackP99(), ingest.exitCode());
        return new Round(label, r.figures(), ingest, basis, r.load(), r.refusals(), settled, r.slowSeconds());
    }

    /**
     * Waits until the brain has committed no batch for {@link #IDLE}: a ladder step that fell
     * behind leaves events in the brain that it goes on persisting after the load generator has
     * gone, and a round started meanwhile would measure that backlog, not its own load.
     */
    static Duration awaitPersisted(BrainNode brain) throws Exception {
        return awaitNoCommits(() -> brain.metrics().value("z4j_pipeline_commit_seconds_count"), IDLE, SETTLE_LIMIT,
                Duration.ofMillis(200), brain.name);
    }

    /** A counter read again and again ({@code z4j_pipeline_commit_seconds_count}). */
    @FunctionalInterface
    interface Counter {
        double read() throws Exception;
    }

    /** Polls {@code commits} every {@code poll} until it has not moved for {@code idle}; returns how long it moved. */
    static Duration awaitNoCommits(Counter commits, Duration idle, Duration limit, Duration poll, String who)
            throws Exception {
        long t0 = System.nanoTime();
        double last = commits.read();
        long quietSince = t0;
        while (System.nanoTime() - quietSince < idle.toNanos()) {
            if (System.nanoTime() - t0 > limit.toNanos()) {
                throw new IllegalStateException(who + " was still committing batches after " + limit.toSeconds()
                        + " s without load");
            }
            Thread.sleep(poll);
            double now = commits.read();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return Duration.ofNanos(quietSince - t0);
    }

    static String pacedLabel(Options o) {
        return o.readRate() + " req/s + ingest";
    }

    /** The counted steps of a ladder, e.g. "4000 kept up, 6400 fell behind twice". */
    static String steps(EndToEnd.Search search) {
        List<String> steps = new ArrayList<>();
        for (Ladder.Attempt<LoadGen.Result> a : search.ladder().attempts()) {
            if (a.kind() == Ladder.Kind.STEP) {
                steps.add(f0(a.rate()) + (a.outcome().passed() ? " kept up" : " fell behind"));
            } else if (a.kind() == Ladder.Kind.RETRY) {
                steps.set(steps.size() - 1, f0(a.rate()) + (a.outcome().passed() ? " kept up on its retry" : " fell behind twice"));
            }
        }
        return "steps at ev/s: " + String.join(", ", steps);
    }

    private static Round round(String label, ReadLoad load, List<ReadLoad.Endpoint> mix, Options o,
                               PrintStream out) throws Exception {
        return report(label, load.run(mix, o.readers(), o.warmup(), o.duration()), load.takeRefusals(), "", out);
    }

    private static Round report(String label, List<ReadLoad.Figures> figures, String refusals, String slowSeconds,
                                PrintStream out) throws Exception {
        for (ReadLoad.Figures f : figures) {
            out.printf(Locale.ROOT, "  %-28s n=%6d p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%s%n", f.name(), f.count(),
                    f.p50Ms(), f.p99Ms(), f.maxMs(), f.errors() == 0 ? "" : "  errors " + f.errors());
        }
        if (!refusals.isEmpty()) {
            out.println("  answers other than 200: " + refusals);
        }
        if (!slowSeconds.isEmpty()) {
            out.println("  by second of the measured time: " + slowSeconds);
        }
        return new Round(label, figures, null, null, Machine.loadNow(), refusals, Duration.ZERO, slowSeconds);
    }

    /** The requests of an operator's session, each endpoint with its target group. */
    static List<ReadLoad.Endpoint> mix(ReadLoad load, ReadsSeed.Shape shape, Instant end) throws Exception {
        String tasks = "/projects/" + PROJECT + "/tasks";
        String cursor = null;
        for (int page = 1; page < 100; page++) { // the cursor of page 100, walked as a browser would
            String next = JSON.readTree(load.get(tasks + "?limit=50" + (cursor == null ? "" : "&cursor=" + enc(cursor))))
                    .path("next_cursor").asText(null);
            if (next == null) {
                throw new IllegalStateException("the task list ended before page 100 (page " + page + ")");
            }
            cursor = next;
        }
        String page100 = tasks + "?limit=50&cursor=" + enc(cursor);
        Instant dayStart = end.minus(Duration.ofDays(shape.days() / 2));
        String range = "since=" + enc(dayStart.toString()) + "&until=" + enc(dayStart.plus(Duration.ofHours(24)).toString());
        long n = shape.tasks();
        List<ReadLoad.Endpoint> mix = new ArrayList<>();
        mix.add(new ReadLoad.Endpoint("tasks, first page", "list", () -> tasks + "?limit=50"));
        mix.add(new ReadLoad.Endpoint("tasks, page 100 (cursor)", "list", () -> page100));
        mix.add(new ReadLoad.Endpoint("tasks, state=failure", "list", () -> tasks + "?limit=50&state=failure"));
        mix.add(new ReadLoad.Endpoint("tasks, priority=critical", "list", () -> tasks + "?limit=50&priority=critical"));
        mix.add(new ReadLoad.Endpoint("tasks, name", "list", () -> tasks + "?limit=50&name=job_17"));
        mix.add(new ReadLoad.Endpoint("tasks, queue=billing", "list", () -> tasks + "?limit=50&queue=billing"));
        mix.add(new ReadLoad.Endpoint("tasks, worker", "list", () -> tasks + "?limit=50&worker=celery%40worker-7"));
        mix.add(new ReadLoad.Endpoint("tasks, one day (since/until)", "list", () -> tasks + "?limit=50&" + range));
        mix.add(new ReadLoad.Endpoint("tasks, search", "list", () -> tasks + "?limit=50&search=JOB_4"));
        mix.add(new ReadLoad.Endpoint("task detail", "detail",
                () -> tasks + "/celery/seed-" + (1 + ThreadLocalRandom.current().nextLong(n))));
        mix.add(new ReadLoad.Endpoint("task timeline", "detail", () -> "/projects/" + PROJECT
                + "/events?engine=celery&task_id=seed-" + (1 + ThreadLocalRandom.current().nextLong(n))));
        mix.add(new ReadLoad.Endpoint("stats (24 h)", "stats", () -> "/projects/" + PROJECT + "/stats?hours=24"));
        mix.add(new ReadLoad.Endpoint("home summary", "stats", () -> "/home/summary"));
        return mix;
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of the statements worth showing, on the seeded database. */
    /** The list's sort key on PostgreSQL, as SqlOperatorReads writes it. */
    private static final String KEY = "coalesce(started_at, '-infinity'::timestamptz)";

    record Plans(String timelineTask, String timeline, String timelineUnbounded, String byState,
                 String byStateCounted, String finishedHours, String finishedPartHour, String finishedInWindow,
                 String windowHour, String windowPartHour, String windowSorted,
                 String namesKept, String namesSkipScan, String nameByName, String nameWalk, String searchIds,
                 String searchWalk) {
        static Plans capture(DataSource ds, UUID project, ReadsSeed.Shape shape, Instant end) throws Exception {
            String taskId = "seed-" + shape.tasks() / 3;
            try (Connection c = ds.getConnection()) {
                LocalDate[] days = new LocalDate[2];
                try (PreparedStatement ps = c.prepareStatement("SELECT first_received_day, last_received_day FROM tasks"
                        + " WHERE project_id = ? AND engine = 'celery' AND task_id = ?")) {
                    ps.setObject(1, project);
                    ps.setString(2, taskId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        days[0] = rs.getObject(1, LocalDate.class);
                        days[1] = rs.getObject(2, LocalDate.class);
                    }
                }
                // The text SqlOperatorReads.events runs (its first page), and the same without the day range.
                String timeline = "SELECT id, project_id, agent_id, engine, task_id, kind, occurred_at, payload"
                        + " FROM events WHERE project_id = '" + project + "' AND task_id = '" + taskId
                        + "' AND engine = 'celery'";
                String bounded = timeline + " AND received_day >= DATE '" + days[0] + "' AND received_day <= DATE '"
                        + days[1] + "' ORDER BY occurred_at DESC, id DESC LIMIT 50";
                String unbounded = timeline + " ORDER BY occurred_at DESC, id DESC LIMIT 50";
                // What the stats page reads (PgReadDialect.keptTaskStateCounts, kept by V018's triggers), and
                // the count of the tasks it replaced.
                String byState = "SELECT state, tasks FROM task_state_counts WHERE project_id = '" + project
                        + "' AND tasks <> 0";
                String byStateCounted = "SELECT state, count(*) FROM tasks WHERE project_id = '" + project + "' GROUP BY state";
                // The readers' name page (name=job_17: the seed's app.tasks.job_17 and job_170-179) as
                // SqlOperatorReads.byNamesQuery reads it, and as the list walk read it before V015; run after
                // the rounds with ingest, whose tasks (other names) lie above the history in list order.
                StringBuilder arms = new StringBuilder();
                for (String n : Stream.concat(Stream.of("17"), IntStream.range(170, 180).mapToObj(Integer::toString)).toList()) {
                    arms.append(arms.isEmpty() ? "" : " UNION ALL ").append("SELECT * FROM (SELECT ").append(KEY)
                            .append(" AS k, id FROM tasks WHERE project_id = '").append(project)
                            .append("' AND name = 'app.tasks.job_").append(n).append("' ORDER BY k DESC, id DESC LIMIT 50) a")
                            .append(n);
                }
                String byName = "WITH w AS MATERIALIZED (SELECT k, id FROM (" + arms + ") u ORDER BY k DESC, id DESC LIMIT 50)"
                        + " SELECT t.id, t.task_id, t.name, t.state FROM w JOIN tasks t ON t.project_id = '" + project
                        + "' AND " + KEY + " = w.k AND t.id = w.id ORDER BY w.k DESC, w.id DESC";
                // The names those pages pick from, as PostgreSQL keeps them (V020), and the skip scan of the
                // name index that read them before (SqlOperatorReads.distinctQuery, both forms).
                String namesKept = "SELECT value FROM task_values WHERE project_id = '" + project
                        + "' AND kind = 'name' ORDER BY value LIMIT 513";
                String namesSkipScan = "WITH RECURSIVE n(v, step) AS (SELECT (SELECT name FROM tasks WHERE project_id = '"
                        + project + "' AND name IS NOT NULL ORDER BY name LIMIT 1), 1 UNION ALL SELECT (SELECT name"
                        + " FROM tasks WHERE project_id = '" + project + "' AND name > n.v ORDER BY name LIMIT 1),"
                        + " step + 1 FROM n WHERE n.v IS NOT NULL AND step <= 512) SELECT v FROM n WHERE v IS NOT NULL";
                String nameWalk = "SELECT id, task_id, name, state FROM tasks WHERE project_id = '" + project
                        + "' AND strpos(name, 'job_17') > 0 ORDER BY " + KEY + " DESC, id DESC LIMIT 50";
                // The readers' search (search=JOB_4): the task ids containing it, through the trigram index
                // (SqlOperatorReads.searchPage, V017; the names, queues and workers come from skip scans as
                // above), and the list walk that read a search before, testing four columns a row.
                String searchIds = "SELECT engine, task_id FROM task_search WHERE project_id = '" + project
                        + "' AND lower(task_id COLLATE \"C\") LIKE '%job\\_4%' ESCAPE '\\' LIMIT 501";
                String searchWalk = "SELECT id, task_id, name, state FROM tasks WHERE project_id = '" + project + "' AND ("
                        + Stream.of("name", "queue", "worker_name", "task_id")
                                .map(col -> "strpos(lower(" + col + " COLLATE \"C\"), 'job_4') > 0")
                                .collect(java.util.stream.Collectors.joining(" OR "))
                        + ") ORDER BY " + KEY + " DESC, id DESC LIMIT 50";
                // The stats page's finished-in-window count as SqlOperatorReads.finishedCounts makes it on
                // PostgreSQL (the whole hours kept by V019, the part-hour counted), and the count it replaced.
                Instant dayAgo = end.minus(Duration.ofHours(24));
                Instant firstHour = dayAgo.truncatedTo(ChronoUnit.HOURS).equals(dayAgo) ? dayAgo
                        : dayAgo.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
                String finishedHours = "SELECT project_id, measure, sum(tasks) FROM task_hour_counts WHERE project_id IN ('"
                        + project + "') AND measure IN ('success', 'failure') AND hour >= (CAST('" + firstHour
                        + "' AS timestamptz) AT TIME ZONE 'UTC') GROUP BY project_id, measure";
                String finishedPartHour = "SELECT state, count(*) FROM tasks WHERE project_id = '" + project
                        + "' AND finished_at >= '" + dayAgo + "' AND finished_at < '" + firstHour
                        + "' AND state IN ('success', 'failure') GROUP BY state";
                String finished = "SELECT state, count(*) FROM tasks WHERE project_id = '" + project
                        + "' AND finished_at >= '" + dayAgo + "' AND state IN ('success', 'failure') GROUP BY state";
                // The two kinds of arm of the readers' one-day window (SqlOperatorReads.windowByHoursQuery): a
                // whole hour's keys in list order through the received-hour index, and the part-hour at the
                // window's start, whose entries are sorted. Then, for comparison in the same run, the whole
                // window read the way it was before V016: every entry of the day sorted.
                Instant from = end.minus(Duration.ofDays(shape.days() / 2));
                Instant nextHour = from.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
                String key = KEY;
                String hour = "SELECT " + key + " AS k, id FROM tasks WHERE project_id = '" + project
                        + "' AND date_trunc('hour', received_at AT TIME ZONE 'UTC') = (CAST('" + nextHour
                        + "' AS timestamptz) AT TIME ZONE 'UTC') ORDER BY k DESC, id DESC LIMIT 50";
                String partHour = "SELECT k, id FROM (SELECT " + key + " AS k, id FROM tasks WHERE project_id = '"
                        + project + "' AND received_at >= '" + from + "' AND received_at <= '"
                        + nextHour.minusNanos(1000) + "' OFFSET 0) r ORDER BY k DESC, id DESC LIMIT 50";
                String wholeDay = "SELECT k, id FROM (SELECT " + key + " AS k, id FROM tasks WHERE project_id = '"
                        + project + "' AND received_at >= '" + from + "' AND received_at <= '"
                        + from.plus(Duration.ofHours(24)) + "' OFFSET 0) r ORDER BY k DESC, id DESC LIMIT 50";
                return new Plans(taskId, explain(c, bounded), explain(c, unbounded), explain(c, byState),
                        explain(c, byStateCounted), explain(c, finishedHours), explain(c, finishedPartHour),
                        explain(c, finished), explain(c, hour), explain(c, partHour), explain(c, wholeDay),
                        explain(c, namesKept), explain(c, namesSkipScan), explain(c, byName), explain(c, nameWalk),
                        explain(c, searchIds), explain(c, searchWalk));
            }
        }

        private static String explain(Connection c, String sql) throws Exception {
            StringBuilder t = new StringBuilder(sql).append("\n\n");
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                while (rs.next()) {
                    t.append(rs.getString(1)).append('\n');
                }
            }
            return t.toString();
        }
    }

    /** The brain inherits this environment: its bound on reads at once is what is set here, or the default. */
    private static String readSlots() {
        String set = System.getenv("Z4J_DB_READS");
        return set != null ? "`Z4J_DB_READS=" + set + "`"
                : "`Z4J_DB_READS` unset (" + DatabaseConfig.DEFAULT_READS_AT_ONCE + " reads at once)";
    }

    static String markdown(Options o, ReadsSeed.Result seed, List<Round> rounds, Plans plans,
                           Map<String, String> pgConfig, List<String> flags, String command, Instant started,
                           Duration took) {
        ReadsSeed.Shape s = seed.shape();
        StringBuilder t = new StringBuilder();
        t.append("## Operator reads over a large history\n\n");
        t.append(Report.writtenBy(command, started, took)).append(", on its own embedded PostgreSQL (")
                .append(Report.settings(pgConfig))
                .append("); one brain with the flags `./z4j-brain` ships: `").append(String.join(" ", flags))
                .append("`, ").append(readSlots()).append(".\n\n");
        t.append(String.format(Locale.ROOT, "**History**: %,d tasks and %,d events (%d per task, 2 s apart) over %d "
                        + "days of daily partitions, one project; 200 task names, 8 queues, 50 workers, 10%% failed. "
                        + "Seeded inside PostgreSQL (`INSERT ... SELECT` over `generate_series`, one day per "
                        + "statement, through the parent table into the day partitions, every index in place): "
                        + "tasks %d s, events %d s, then `VACUUM (ANALYZE)` %d s. Tables with indexes: tasks %,d MiB, "
                        + "events %,d MiB.%n%n", s.tasks(), s.events(), s.eventsPerTask(), s.days(),
                seed.tasks().toSeconds(), seed.events().toSeconds(), seed.analyse().toSeconds(),
                seed.tableBytes() >> 20, seed.eventBytes() >> 20));
        t.append(String.format(Locale.ROOT, "**Readers**: %d virtual threads in the tool's JVM, each sending the "
                        + "requests below one after another (closed loop) round-robin over real HTTP to the brain "
                        + "(admin key), %d s warm-up, then %d s measured; latency from before sending to the last "
                        + "byte of the body, HdrHistogram. Task detail and timeline pick a random task of the "
                        + "history each time; page 100 is the cursor a browser gets after 99 pages of 50. Eight "
                        + "readers that never pause keep the two cores busy by themselves: their p99 is mostly time "
                        + "waiting for a core.%n%n",
                o.readers(), o.warmup().toSeconds(), o.duration().toSeconds()));
        if (o.readRate() > 0) {
            t.append(String.format(Locale.ROOT, "**Paced reads** (the round \"%s\", before \"reads + ingest\", each "
                            + "round with an ingest run of its own at the same rate): the same requests round-robin at a fixed %d a second "
                            + "(open loop, as the browsers of many operators send them; the default 40 is 20 operators whose "
                            + "dashboards poll about 10 requests every 5 s; about %.1f a second per endpoint), each on its own virtual thread at the moment it is due and timed from that "
                            + "moment, so a slow answer counts in full and does not hold the next request back "
                            + "(no coordinated omission); %d s warm-up, then %d s measured.%n%n", pacedLabel(o),
                    o.readRate(), o.readRate() / 13.0, o.warmup().toSeconds(), o.duration().toSeconds()));
        }
        t.append("Targets: p99 < ").append(f0(LIST_TARGET_MS)).append(" ms for lists, detail and timeline; < ")
                .append(f0(STATS_TARGET_MS)).append(" ms for stats and home.\n\n");
        List<Round> measured = rounds.stream().filter(r -> !r.figures().isEmpty()).toList();
        t.append("| request | ");
        for (Round r : measured) {
            t.append(r.label()).append(" p50 / p99 / max ms (n) | ");
        }
        t.append("target | met (").append(String.join(" / ", measured.stream().map(Round::label).toList()))
                .append(") |\n|---|");
        measured.forEach(r -> t.append("---|"));
        t.append("---|---|\n");
        for (int i = 0; i < measured.getFirst().figures().size(); i++) {
            ReadLoad.Figures first = measured.getFirst().figures().get(i);
            double target = first.group().equals("stats") ? STATS_TARGET_MS : LIST_TARGET_MS;
            List<String> met = new ArrayList<>();
            t.append("| ").append(first.name()).append(" | ");
            for (Round r : measured) {
                ReadLoad.Figures f = r.figures().get(i);
                met.add(f.p99Ms() < target && f.errors() == 0 && f.count() > 0 ? "yes" : "NO");
                t.append(String.format(Locale.ROOT, "%.1f / **%.1f** / %.1f (%d%s) | ", f.p50Ms(), f.p99Ms(), f.maxMs(),
                        f.count(), f.errors() == 0 ? "" : ", " + f.errors() + " errors"));
            }
            t.append("< ").append(f0(target)).append(" | ").append(String.join(" / ", met)).append(" |\n");
        }
        t.append('\n');
        for (Round r : rounds) {
            if (r.ingest() != null) {
                LoadGen.Result g = r.ingest();
                t.append(String.format(Locale.ROOT, "Background ingest during \"%s\": z4j-loadgen, %s, at %.0f ev/s "
                                + "into the same project (%s); %.0f ev/s acked, ack p99 %.0f ms, exit %d%s. ", r.label(),
                        Capacity.BATCHED.describe(), g.targetRate(), r.ingestBasis(), g.ackedPerSecond(), g.ackP99(),
                        g.exitCode(), g.failures().isEmpty() ? "" : " (" + g.failures() + ")"));
            } else if (r.figures().isEmpty()) {
                t.append("No round with ingest: ").append(r.ingestBasis()).append(". ");
                continue;
            }
            if (r.ingest() != null) {
                t.append(String.format(Locale.ROOT, "Before \"%s\" the brain went on persisting what the load before "
                        + "it had left for %.1f s (the round starts once no batch was committed for %d s). ", r.label(),
                        r.settled().toMillis() / 1000.0, IDLE.toSeconds()));
            }
            t.append("1-minute load average after \"").append(r.label()).append("\": ").append(r.load()).append(". ");
            if (!r.slowSeconds().isEmpty()) {
                t.append("When the slow answers of \"").append(r.label()).append("\" were due, by second of its measured time: ")
                        .append(r.slowSeconds()).append(". ");
            }
            if (!r.refusals().isEmpty()) {
                t.append("Answers other than 200 in \"").append(r.label()).append("\": ").append(r.refusals()).append(". ");
            }
        }
        t.append("\n\n### Plans\n\n");
        t.append("The timeline of `").append(plans.timelineTask()).append("` as the brain asks for it: the task row ")
                .append("keeps the receive days of its events (`first_received_day`, `last_received_day`, written by ")
                .append("the task projection), so the statement carries a `received_day` range and PostgreSQL reads ")
                .append("only those days' partitions:\n\n```\n").append(plans.timeline()).append("```\n\n");
        t.append("The same statement without the day range, for comparison (what a timeline costs when the task row ")
                .append("does not know its days): one index probe in every partition.\n\n```\n")
                .append(plans.timelineUnbounded()).append("```\n\n");
        t.append("Tasks by state for the stats page (the whole project, every state), as PostgreSQL keeps them: triggers on ")
                .append("`tasks` update one row per project and state with each statement that changes tasks (V018):\n\n```\n")
                .append(plans.byState()).append("```\n\n");
        t.append("The count of the tasks those rows replace, for comparison (the brain no longer runs it on PostgreSQL; ")
                .append("it made it again in the background every 10 s at most, and read the whole table to do it):\n\n```\n")
                .append(plans.byStateCounted()).append("```\n\n");
        t.append("The stats page's window count (tasks finished in the last 24 h, by state; the home page's tasks started and ")
                .append("failed in the last 24 h are made the same way): the whole hours of the window from counts PostgreSQL keeps ")
                .append("per project, measure and UTC hour (V019, triggers on `tasks` like the state counts), then the part-hour ")
                .append("at the window's start counted, tasks of a day ago:\n\n```\n")
                .append(plans.finishedHours()).append("```\n\n```\n").append(plans.finishedPartHour()).append("```\n\n");
        t.append("The count of the whole window those replace, for comparison (the last 24 h of a busy project are pages ")
                .append("still being written, so each entry is checked in the heap):\n\n```\n")
                .append(plans.finishedInWindow()).append("```\n\n");
        t.append("A time-window page whose window (the readers' day, not a UTC day) lies two weeks down the list: ")
                .append("its second step takes the sort keys and ids of the top 50 of each whole hour of the window in ")
                .append("list order through `ix_tasks_project_received_hour` (one of its 23 whole hours here) and of ")
                .append("the part-hours at its ends through `ix_tasks_project_received`, sorted (the first one here); ")
                .append("the top 50 of those keys (a Merge Append that stops at 50), then those rows:\n\n```\n")
                .append(plans.windowHour()).append("```\n\n```\n").append(plans.windowPartHour()).append("```\n\n");
        t.append("The names a name page or a search picks from (the readers' 200), as PostgreSQL keeps them per project ")
                .append("(V020, triggers on `tasks` add each value not yet kept), and, for comparison in the same run, the ")
                .append("skip scan of the name index that listed them before (one index descent per name):\n\n```\n")
                .append(plans.namesKept()).append("```\n\n```\n").append(plans.namesSkipScan()).append("```\n\n");
        t.append("The readers' name page (`name=job_17`, 11 of the 200 names) as the brain reads it since V015, ")
                .append("name by name through `ix_tasks_project_name_listed` (after the names above), and, for ")
                .append("comparison in the same run, the list walk that read it before, which ")
                .append("passes every newer task of other names (those the ingest rounds added):\n\n```\n")
                .append(plans.nameByName()).append("```\n\n```\n").append(plans.nameWalk()).append("```\n\n");
        t.append("The readers' search (`search=JOB_4`: 11 names match, no queue, worker or task id) as the brain ")
                .append("reads it since V017: the names, queues and workers as above (kept since V020), and the task ids ")
                .append("containing the needle through the trigram index of `task_search` (none here), then the ")
                .append("matching names' rows as in the name page; and, for comparison in the same run, the list walk ")
                .append("that read it before, testing four columns of every newer task:\n\n```\n")
                .append(plans.searchIds()).append("```\n\n```\n").append(plans.searchWalk()).append("```\n\n");
        t.append("The same window the way it was read before the received-hour index (V016), for comparison: ")
                .append("every entry of the day sorted for its top 50:\n\n```\n").append(plans.windowSorted())
                .append("```\n\n");
        return t.toString();
    }

    /** The body of the reads section of {@code report}, or null when it has none. */
    static String section(Path report) throws java.io.IOException {
        return section(report, BEGIN, END);
    }

    /** The text between {@code begin} and {@code end} in {@code report}, or null when it has none. */
    static String section(Path report, String begin, String end) throws java.io.IOException {
        if (!Files.isRegularFile(report)) {
            return null;
        }
        String text = Files.readString(report, StandardCharsets.UTF_8);
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        return b >= 0 && e > b ? text.substring(b + begin.length() + 1, e) : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String f0(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }

    private static long longOption(String[] args, String name, long def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                try {
                    return Long.parseLong(args[i + 1].replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": a whole number, was '" + args[i + 1] + "'");
                }
            }
        }
        return def;
    }
}
