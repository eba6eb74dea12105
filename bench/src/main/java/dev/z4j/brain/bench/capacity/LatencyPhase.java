package dev.z4j.brain.bench.capacity;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The full run's cross-replica latency probes ({@link ReplicaLatency}) alone, on pairs of brains
 * that differ only in their number of ingest writers ({@code Z4J_INGEST_WRITERS}), the settings
 * alternated in one run (reversed every other round) so a shared machine's drift and the growing
 * database fall on each of them alike.
 * Background ingest into brain B runs at one fixed rate for every pair. Run by
 * {@code bench/capacity.sh --only latency [--ingest-rate 4500] [--writers 1,2] [--rounds 2]}; its
 * section of docs/CAPACITY.md (between the markers below) is replaced, the rest left as it is.
 */
final class LatencyPhase {
    static final String BEGIN = "<!-- latency:begin (bench/capacity.sh --only latency) -->";
    static final String END = "<!-- latency:end -->";

    record Options(double ingestRate, List<Integer> writers, int rounds) {
        static Options parse(String[] args) {
            double rate = Double.parseDouble(Capacity.option(args, "--ingest-rate", "4500"));
            if (rate < 100) {
                throw new IllegalArgumentException("--ingest-rate: at least 100 ev/s for the background, was " + rate);
            }
            List<Integer> writers = new ArrayList<>();
            for (String w : Capacity.option(args, "--writers", "1,2").split(",")) {
                int n = Integer.parseInt(w.trim());
                if (n < 1 || n > 8) {
                    throw new IllegalArgumentException("--writers: each between 1 and 8 (Z4J_INGEST_WRITERS), was " + n);
                }
                writers.add(n);
            }
            int rounds = Integer.parseInt(Capacity.option(args, "--rounds", "2"));
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds: at least 1, was " + rounds);
            }
            return new Options(rate, List.copyOf(writers), rounds);
        }
    }

    /** One pair of brains probed: its writers setting, the round, the probes and the 1-minute load after. */
    record Probe(int writers, int round, ReplicaLatency.Result result, String loadAfter) {}

    private LatencyPhase() {}

    static void run(Path root, Path work, Children children, Options o, Path report, String command,
                    PrintStream out) throws Exception {
        Instant started = Instant.now();
        Path jdk = Path.of(System.getProperty("java.home"));
        List<Probe> probes = new ArrayList<>();
        Path pgDir = Files.createDirectories(work.resolve("latency-pgdata"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true)
                .start()) {
            String dbUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
            Setup setup = new Setup(jdk, root.resolve("ops/target/z4j-brain.jar"),
                    root.resolve("loadgen/target/z4j-loadgen.jar"), work, dbUrl, Capacity.newSecret(),
                    Capacity.BRAIN_JVM_FLAGS);
            try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(dbUrl, work, 60_000, 2))) {
                db.migrate();
                db.directory().createProject(ReplicaLatency.PROBE_PROJECT, "Capacity probe");
            }
            LoadGen loadgen = new LoadGen(children, setup);
            Path credentials = work.resolve("agents-latency.json"); // minted on the first run, reused after
            String adminKey = null; // printed by the first brain only
            for (int round = 1; round <= o.rounds(); round++) {
                for (int writers : order(o.writers(), round)) {
                    Map<String, String> env = new HashMap<>(setup.brainEnv());
                    env.put("Z4J_INGEST_WRITERS", Integer.toString(writers));
                    String tag = "-w" + writers + "-r" + round;
                    try (BrainNode a = BrainNode.start(children, setup, "brain-a" + tag, Capacity.BRAIN_JVM_FLAGS, env);
                         BrainNode b = BrainNode.start(children, setup, "brain-b" + tag, Capacity.BRAIN_JVM_FLAGS, env)) {
                        adminKey = adminKey != null ? adminKey : a.adminKey;
                        if (adminKey == null) {
                            throw new IllegalStateException("the first brain printed no admin key: " + a.logTail(10));
                        }
                        out.printf("[latency] round %d of %d, Z4J_INGEST_WRITERS=%d, background %.0f ev/s into brain-b%n",
                                round, o.rounds(), writers, o.ingestRate());
                        ReplicaLatency.Result r = ReplicaLatency.run(loadgen, a, b, adminKey, credentials,
                                Capacity.BATCHED.options(), o.ingestRate(), tag);
                        probes.add(new Probe(writers, round, r, Machine.loadNow()));
                        out.println("  command " + r.commands() + " (REST on A alone " + r.commandRest()
                                + "); notice " + r.notices() + "; background "
                                + Report.f0(r.background().ackedPerSecond()) + " ev/s, ack p99 "
                                + Report.f1(r.background().ackP99()) + " ms");
                    }
                }
            }
        }
        String section = markdown(probes, o, command, started, Duration.between(started, Instant.now()));
        SocketPhases.write(report, section, BEGIN, END);
        out.println("wrote the latency section of " + report);
    }

    static String markdown(List<Probe> probes, Options o, String command, Instant started, Duration took) {
        StringBuilder t = new StringBuilder();
        t.append("## Cross-replica latency by number of ingest writers\n\n");
        t.append(Report.writtenBy(command, started, took)).append(", on its own embedded PostgreSQL. ")
                .append("Each row is a fresh pair of brains (`").append(String.join(" ", Capacity.BRAIN_JVM_FLAGS))
                .append("`, `Z4J_REGISTRY_BACKEND=postgres_notify`) that differ only in `Z4J_INGEST_WRITERS`, ")
                .append("the settings alternated, their order reversed every other round (each pair adds its background's ")
                .append("rows to the one database); the same probes as section 3 of the full run (")
                .append(ReplicaLatency.COMMANDS).append(" commands issued over REST on A until they reach an agent on B, ")
                .append(ReplicaLatency.BATCHES).append(" batches sent on B until a dashboard on A gets the notice), ")
                .append("with background ingest into B at ").append(Report.f0(o.ingestRate()))
                .append(" ev/s (batched shape, 20 agents x 2 workers; fixed by `--ingest-rate`).\n\n");
        t.append("| writers | round | command p50 / p99 / max ms | of which the REST call on A | notice p50 / p99 / max ms | background acked ev/s | background ack p99 ms | load after |\n");
        t.append("|---|---|---|---|---|---|---|---|\n");
        for (Probe p : probes) {
            ReplicaLatency.Result r = p.result();
            t.append("| ").append(p.writers()).append(" | ").append(p.round()).append(" | ")
                    .append(triple(r.commands())).append(" | ").append(triple(r.commandRest())).append(" | ")
                    .append(triple(r.notices())).append(" | ")
                    .append(Report.f0(r.background().ackedPerSecond())).append(" | ")
                    .append(Report.f1(r.background().ackP99())).append(" | ").append(p.loadAfter()).append(" |\n");
        }
        t.append("\nGoals (section 3): command p99 < 50 ms, notice p99 < 250 ms.\n\n");
        return t.toString();
    }

    private static String triple(Latencies l) {
        String s = Report.f1(l.p50()) + " / " + Report.f1(l.p99()) + " / " + Report.f1(l.max());
        return l.lost() == 0 ? s : s + " (" + l.lost() + " lost)";
    }

    /**
     * The settings in the given order on odd rounds and reversed on even ones (1,2 then 2,1): every
     * pair adds its background's tasks and events to the one database, so a fixed order would
     * always give the later setting the larger tables.
     */
    static List<Integer> order(List<Integer> writers, int round) {
        return round % 2 == 1 ? writers : writers.reversed();
    }

    /** The body of this section of {@code report}, or null when it has none (a full run keeps it). */
    static String section(Path report) throws java.io.IOException {
        return ReadsPhase.section(report, BEGIN, END);
    }
}
