package dev.z4j.brain.bench.capacity;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import dev.z4j.brain.store.postgres.StandbyPair;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The read-replica step of the capacity tool ({@code bench/capacity.sh --only replica}): how much a
 * streaming standby ({@code Z4J_DATABASE_READ_URL}) takes off the primary, and what operators see
 * when it dies mid-read. A primary and a standby from the embedded binaries ({@link StandbyPair}),
 * a history seeded on the primary and replayed by the standby, then three rounds of the reads
 * phase's requests paced at {@code --read-rate} while a loadgen ingests at {@code --ingest-rate}:
 * a brain without a read URL; a brain with one; the same brain while the standby is stopped a
 * third of the way in and started again at two thirds. Each round reports its latencies, the CPU
 * each server used (from /proc, {@link ServerCpu}), who answered the reads and why the brain fell
 * back. Writes its own section of docs/CAPACITY.md between the markers below.
 */
final class ReplicaReadsPhase {
    static final String BEGIN = "<!-- replica:begin (bench/capacity.sh --only replica) -->";
    static final String END = "<!-- replica:end -->";
    /** A history the standby replays in about a minute here; the reads phase has the large one. */
    static final long TASKS = 500_000;
    static final long EVENTS = 2_000_000;
    static final double INGEST_RATE = 2000;
    /**
     * Both servers: PostgreSQL's own checkpoint settings (the standby's restartpoints follow the
     * primary's checkpoints), full_page_writes as PostgreSQL defaults it (the embedded bundle turns
     * it off) and wal_log_hints as docs/ARCHITECTURE.md asks of a primary with a standby: a standby
     * cannot set the hint bits of rows newer than its last restartpoint, and re-checks the commit
     * log for them on every read (a throwaway probe: tasks by state after 40,000 row updates, 31-35
     * ms on the standby against 17-18 on the primary; 18 against 16-17 with these two); and
     * hot_standby_feedback, which that section also asks for (fewer reads cancelled by replay).
     */
    private static final Map<String, String> PG_CONFIG = Map.of("shared_buffers", "512MB", "full_page_writes", "on",
            "wal_log_hints", "on", "hot_standby_feedback", "on");
    private static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(10);
    private static final Duration SWITCH_LIMIT = Duration.ofSeconds(60);

    /**
     * The outage round, in seconds from the paced run's start: when the standby was stopped and how
     * soon the brain's reads left it; when its start was asked, when it accepted connections, and
     * how soon after that the reads were back on it.
     */
    record Outage(double stoppedAt, double switchedAfter, double startAskedAt, double startedAt, double backAfter) {}

    /**
     * One round: the reads phase's figures and ingest, CPU seconds each server used over the paced
     * run (warm-up included; {@code standbyCpu} is NaN when the standby restarted in it), the reads
     * by who answered them, fallbacks by reason, the lag the brain last measured.
     */
    record Round(ReadsPhase.Round reads, double seconds, double primaryCpu, double standbyCpu, double byStandby,
                 double byPrimary, Map<String, Double> fallbacks, double lagSeconds, Outage outage) {}

    private ReplicaReadsPhase() {}

    static void run(Path root, Path work, Children children, ReadsPhase.Options o, Path report, String command,
                    PrintStream out) throws Exception {
        if (o.readRate() < 1 || o.ingestRate() < 1) {
            throw new IllegalArgumentException("--read-rate and --ingest-rate: at least 1 for --only replica (its rounds "
                    + "are paced reads under ingest), were " + o.readRate() + " and " + (long) o.ingestRate());
        }
        Instant started = Instant.now();
        Path jdk = Path.of(System.getProperty("java.home"));
        List<String> flags = LauncherFlags.read(root, jdk);
        out.println("[replica] a primary and a streaming standby (embedded PostgreSQL 17, a cold base backup)");
        try (StandbyPair pair = StandbyPair.start(PG_CONFIG)) {
            String dbUrl = pair.primaryUrl("postgres");
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ReadsSeed.Shape shape = o.shape();
            ReadsSeed.Result seed;
            try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(dbUrl, work, 60_000, 4))) {
                db.migrate();
                db.ensurePartitions(end.minus(Duration.ofDays(shape.days() + 1)), shape.days() + 8);
                UUID project = db.directory().createProject(ReadsPhase.PROJECT, "Default").id();
                UUID agent = db.directory().createAgent(project, "seed-agent", "seed-" + UUID.randomUUID()).id();
                out.printf("[replica] seeding %d tasks and %d events over %d days on the primary%n", shape.tasks(),
                        shape.events(), shape.days());
                seed = ReadsSeed.seed(pair.primaryDataSource(), project, agent, shape, end, out);
            }
            Duration caughtUp = catchUp(pair);
            out.printf("  the standby replayed the seeding %d s after it ended%n", caughtUp.toSeconds());

            Setup setup = new Setup(jdk, root.resolve("ops/target/z4j-brain.jar"),
                    root.resolve("loadgen/target/z4j-loadgen.jar"), work, dbUrl, Capacity.newSecret(), flags);
            LoadGen loadgen = new LoadGen(children, setup);
            List<Round> rounds = new ArrayList<>();
            String adminKey;
            try (BrainNode brain = BrainNode.start(children, setup, "primary-reads-brain", flags, setup.brainEnv())) {
                adminKey = brain.adminKey != null ? brain.adminKey : SocketPhases.printedKey(brain.logTail(60));
                if (adminKey == null) {
                    throw new IllegalStateException("the brain printed no admin key: " + brain.logTail(10));
                }
                out.println("[replica] reads on the primary (no Z4J_DATABASE_READ_URL)");
                rounds.add(round("primary only", brain, adminKey, shape, end, o, loadgen, pair, work, false, out));
            }
            Map<String, String> env = new HashMap<>(setup.brainEnv());
            env.put("Z4J_DATABASE_READ_URL", pair.standbyUrl("postgres"));
            try (BrainNode brain = BrainNode.start(children, setup, "standby-reads-brain", flags, env)) {
                awaitServing(brain, 1);
                out.println("[replica] reads on the standby (Z4J_DATABASE_READ_URL)");
                rounds.add(round("standby", brain, adminKey, shape, end, o, loadgen, pair, work, false, out));
                out.println("[replica] the standby stopped a third of the way in, started again at two thirds");
                rounds.add(round("standby stopped mid-read", brain, adminKey, shape, end, o, loadgen, pair, work, true, out));
            }
            String section = markdown(o, seed, caughtUp, rounds, flags, command, started,
                    Duration.between(started, Instant.now()));
            SocketPhases.write(report, section, BEGIN, END);
            out.println("wrote the read-replica section of " + report);
        }
    }

    private static Round round(String label, BrainNode brain, String adminKey, ReadsSeed.Shape shape, Instant end,
                               ReadsPhase.Options o, LoadGen loadgen, StandbyPair pair, Path work, boolean outage,
                               PrintStream out) throws Exception {
        catchUp(pair); // the last round's ingest, so every round starts with a standby that is up to date
        ReadLoad load = new ReadLoad(brain.port, adminKey);
        List<ReadLoad.Endpoint> mix = ReadsPhase.mix(load, shape, end);
        Sample[] at = new Sample[2]; // the paced run's start and end
        AtomicReference<Outage> outageSeen = new AtomicReference<>();
        ReadsPhase.Readers readers = () -> {
            at[0] = Sample.take(brain, pair, true);
            Thread stopper = outage ? Thread.ofVirtual().name("standby-outage").start(() -> {
                try {
                    outageSeen.set(stopAndStart(pair, brain, o, at[0].nanos()));
                } catch (Exception e) {
                    throw new IllegalStateException("the outage round could not stop and start the standby", e);
                }
            }) : null;
            List<ReadLoad.Figures> f = load.runPaced(mix, o.readRate(), o.warmup(), o.duration(), (long) ReadsPhase.LIST_TARGET_MS);
            if (stopper != null) {
                stopper.join();
                if (outageSeen.get() == null) {
                    throw new IllegalStateException("the outage round's standby stop or restart failed (see above)");
                }
            }
            at[1] = Sample.take(brain, pair, !outage); // a restarted standby counts its CPU from 0 again
            return f;
        };
        ReadsPhase.Round reads = ReadsPhase.underIngest(label, load, readers, o, loadgen, brain, adminKey,
                work.resolve("agents-replica-" + label.replaceAll("[^a-z]+", "-") + ".json"), o.ingestRate(),
                "fixed by `--ingest-rate`", out);
        BrainMetrics before = at[0].metrics();
        BrainMetrics after = at[1].metrics();
        Map<String, Double> fallbacks = new LinkedHashMap<>();
        for (String reason : List.of("down", "lag", "not_standby", "read_failed")) {
            fallbacks.put(reason, after.since(before, "z4j_read_replica_fallbacks_total{reason=" + reason + "}"));
        }
        Round r = new Round(reads, (at[1].nanos() - at[0].nanos()) / 1e9, at[1].primaryCpu() - at[0].primaryCpu(),
                at[1].standbyCpu() - at[0].standbyCpu(),
                after.since(before, "z4j_read_replica_reads_total{target=standby}"),
                after.since(before, "z4j_read_replica_reads_total{target=primary}"), fallbacks,
                after.value("z4j_read_replica_lag_seconds"), outageSeen.get());
        out.printf(Locale.ROOT, "  primary CPU %.1f s, standby CPU %s in %.1f s; reads answered by the standby %.0f, "
                        + "by the primary %.0f; fallbacks %s%n", r.primaryCpu(), Double.isNaN(r.standbyCpu()) ? "n/a"
                        : String.format(Locale.ROOT, "%.1f s", r.standbyCpu()), r.seconds(), r.byStandby(), r.byPrimary(),
                fallbacks);
        if (r.outage() != null) {
            Outage g = r.outage();
            out.printf(Locale.ROOT, "  standby stopped at %.1f s, reads on the primary %.1f s later; start asked at %.1f s, "
                    + "up at %.1f s, reads back on it %.1f s later%n", g.stoppedAt(), g.switchedAfter(), g.startAskedAt(),
                    g.startedAt(), g.backAfter());
        }
        return r;
    }

    /** CPU seconds of each server (NaN: not read), the brain's counters and the time, at one moment. */
    private record Sample(double primaryCpu, double standbyCpu, BrainMetrics metrics, long nanos) {
        static Sample take(BrainNode brain, StandbyPair pair, boolean standby) throws Exception {
            return new Sample(ServerCpu.seconds(pair.primaryDir()),
                    standby ? ServerCpu.seconds(pair.standbyDir()) : Double.NaN, brain.metrics(), System.nanoTime());
        }
    }

    /**
     * Stops the standby a third of the way into the measured time and starts it again at two
     * thirds, timing from {@code t0} (the paced run's start) and noting when the brain's
     * {@code z4j_read_replica_serving} gauge followed each change.
     */
    private static Outage stopAndStart(StandbyPair pair, BrainNode brain, ReadsPhase.Options o, long t0) throws Exception {
        Duration stopAt = o.warmup().plus(o.duration().dividedBy(3));
        Duration startAt = o.warmup().plus(o.duration().multipliedBy(2).dividedBy(3));
        sleepUntil(t0, stopAt);
        double stopped = since(t0);
        pair.stopStandby();
        awaitServing(brain, 0);
        double switched = since(t0) - stopped;
        sleepUntil(t0, startAt);
        double asked = since(t0);
        pair.startStandby(); // returns once it accepts connections
        double restarted = since(t0);
        awaitServing(brain, 1);
        double back = since(t0) - restarted;
        return new Outage(stopped, switched, asked, restarted, back);
    }

    /** Polls the brain's {@code z4j_read_replica_serving} every 100 ms until it reads {@code value}. */
    private static void awaitServing(BrainNode brain, int value) throws Exception {
        long deadline = System.nanoTime() + SWITCH_LIMIT.toNanos();
        while (brain.metrics().value("z4j_read_replica_serving") != value) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(brain.name + ": z4j_read_replica_serving did not become " + value
                        + " within " + SWITCH_LIMIT.toSeconds() + " s; see its log: " + brain.logTail(5));
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the standby has replayed everything the primary had written when this was called. */
    static Duration catchUp(StandbyPair pair) throws Exception {
        long t0 = System.nanoTime();
        String target;
        try (Connection c = pair.primaryConnection("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            target = rs.getString(1);
        }
        while (!pair.queryStandby("SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn").equals("t")) {
            if (System.nanoTime() - t0 > CATCH_UP_LIMIT.toNanos()) {
                throw new IllegalStateException("the standby did not replay up to " + target + " within "
                        + CATCH_UP_LIMIT.toMinutes() + " minutes");
            }
            Thread.sleep(200);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static void sleepUntil(long t0, Duration at) throws InterruptedException {
        long left = t0 + at.toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String markdown(ReadsPhase.Options o, ReadsSeed.Result seed, Duration caughtUp, List<Round> rounds,
                           List<String> flags, String command, Instant started, Duration took) {
        ReadsSeed.Shape s = seed.shape();
        StringBuilder t = new StringBuilder();
        t.append("## Read replica\n\n");
        t.append(Report.writtenBy(command, started, took)).append(". A primary and a streaming standby, both ")
                .append("embedded PostgreSQL 17 on this machine (the standby a cold base backup of the primary with ")
                .append("`standby.signal` and `primary_conninfo`, as `pg_basebackup -R` writes them; ")
                .append(Report.settings(PG_CONFIG)).append(" on each); brains with the flags `./z4j-brain` ships: `").append(String.join(" ", flags))
                .append("`.\n\n");
        t.append(String.format(Locale.ROOT, "**History**: %,d tasks and %,d events over %d days, seeded on the primary "
                        + "as in the reads section (tasks %d s, events %d s, `VACUUM (ANALYZE)` %d s); the standby had "
                        + "replayed it %d s after the seeding ended.%n%n", s.tasks(), s.events(), s.days(),
                seed.tasks().toSeconds(), seed.events().toSeconds(), seed.analyse().toSeconds(), caughtUp.toSeconds()));
        t.append(String.format(Locale.ROOT, "**Rounds**: the reads section's 13 requests paced at %d a second (open loop, "
                        + "each timed from when it was due), %d s warm-up then %d s measured, while z4j-loadgen (%s) ingests "
                        + "%.0f ev/s into the same project through the primary. \"primary only\": a brain without "
                        + "`Z4J_DATABASE_READ_URL`. \"standby\": a brain with it (`Z4J_READ_MAX_LAG_MS` 5000, the default). "
                        + "\"standby stopped mid-read\": the same brain; the standby is stopped (`pg_ctl stop`, fast) a "
                        + "third of the way into the measured time and started again at two thirds. Before each round the "
                        + "standby replays all the primary has written. CPU: each server's postmaster and every process "
                        + "it forked, from /proc, over the paced run (warm-up included), in %% of one core.%n%n",
                o.readRate(), o.warmup().toSeconds(), o.duration().toSeconds(), Capacity.BATCHED.describe(), o.ingestRate()));
        t.append("| request |");
        rounds.forEach(r -> t.append(' ').append(r.reads().label()).append(" p50 / p99 / max ms (n) |"));
        t.append("\n|---|");
        rounds.forEach(r -> t.append("---|"));
        t.append('\n');
        for (int i = 0; i < rounds.getFirst().reads().figures().size(); i++) {
            t.append("| ").append(rounds.getFirst().reads().figures().get(i).name()).append(" |");
            for (Round r : rounds) {
                ReadLoad.Figures f = r.reads().figures().get(i);
                t.append(String.format(Locale.ROOT, " %.1f / **%.1f** / %.1f (%d%s) |", f.p50Ms(), f.p99Ms(), f.maxMs(),
                        f.count(), f.errors() == 0 ? "" : ", " + f.errors() + " errors"));
            }
            t.append('\n');
        }
        t.append("\n| round | primary CPU | standby CPU | reads answered by the standby / the primary | fallbacks "
                + "(reason x count) | lag at the end | ingest acked / target ev/s (ack p99 ms) | answers other than 200 |\n");
        t.append("|---|---|---|---|---|---|---|---|\n");
        for (Round r : rounds) {
            LoadGen.Result g = r.reads().ingest();
            String fallbacks = r.fallbacks().entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " x" + ReadsPhase.f0(e.getValue())).reduce((a, b) -> a + ", " + b).orElse("none");
            t.append(String.format(Locale.ROOT, "| %s | %.0f%% | %s | %s / %s | %s | %s | %.0f / %.0f (%.0f) | %s |%n",
                    r.reads().label(), 100 * r.primaryCpu() / r.seconds(),
                    Double.isNaN(r.standbyCpu()) ? "(restarted)" : String.format(Locale.ROOT, "%.0f%%",
                            100 * r.standbyCpu() / r.seconds()),
                    ReadsPhase.f0(r.byStandby()), ReadsPhase.f0(r.byPrimary()), fallbacks,
                    r.byStandby() + r.byPrimary() == 0 ? "(no read URL)" : String.format(Locale.ROOT, "%.2f s", r.lagSeconds()),
                    g.ackedPerSecond(), g.targetRate(), g.ackP99(),
                    r.reads().refusals().isEmpty() ? "none" : r.reads().refusals()));
        }
        t.append('\n');
        Round primaryOnly = rounds.get(0);
        Round standby = rounds.get(1);
        double requests = o.readRate() * primaryOnly.seconds();
        double offPrimary = primaryOnly.primaryCpu() - standby.primaryCpu();
        double onStandby = standby.standbyCpu() - primaryOnly.standbyCpu(); // less its replay, measured while idle
        t.append(String.format(Locale.ROOT, "With the standby serving, the primary used %.1f s of CPU instead of %.1f s "
                        + "over the same %.0f s: %.0f%% of a core less, about %.2f ms per read of the %.0f sent. The "
                        + "standby used %.1f s, against %.1f s replaying the same ingest while no read came: the reads "
                        + "cost it %.1f s, %.2f times what they cost the primary.",
                standby.primaryCpu(), primaryOnly.primaryCpu(), primaryOnly.seconds(),
                100 * (primaryOnly.primaryCpu() / primaryOnly.seconds() - standby.primaryCpu() / standby.seconds()),
                1000 * offPrimary / requests, requests, standby.standbyCpu(), primaryOnly.standbyCpu(), onStandby,
                onStandby / offPrimary));
        Round stopped = rounds.get(2);
        if (stopped.outage() != null) {
            Outage g = stopped.outage();
            t.append(String.format(Locale.ROOT, " In the outage round the standby was stopped %.1f s into the paced run; "
                            + "the brain's `z4j_read_replica_serving` read 0 %.1f s later (polled every 100 ms); its "
                            + "start was asked at %.1f s, it accepted connections at %.1f s, and the gauge read 1 %.1f s "
                            + "after that.", g.stoppedAt(), g.switchedAfter(), g.startAskedAt(), g.startedAt(), g.backAfter()));
        }
        t.append("\n\n");
        return t.toString();
    }

    /** The body of the read-replica section of {@code report}, or null when it has none (a full run keeps it). */
    static String section(Path report) throws java.io.IOException {
        return ReadsPhase.section(report, BEGIN, END);
    }
}
