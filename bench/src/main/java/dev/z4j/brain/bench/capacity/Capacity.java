package dev.z4j.brain.bench.capacity;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One capacity run against one embedded PostgreSQL: raw COPY ceiling, end-to-end sustained rate
 * for both client shapes, cross-replica latencies under load, idle memory per connection. Prints
 * a table and writes the report (docs/CAPACITY.md). Started by bench/capacity.sh.
 *
 * <p>Usage: {@code Capacity --root REPO --out docs/CAPACITY.md --command "bench/capacity.sh" [--keep]}
 */
public final class Capacity {
    static final List<String> BRAIN_JVM_FLAGS = List.of("-Xmx1g");
    private static final Duration RAW_SECONDS = Duration.ofSeconds(10);

    static final EndToEnd.Shape BATCHED = new EndToEnd.Shape("batched", 20, 2,
            List.of("--shape", "batched", "--batch-size", "200", "--window", "8"), 2000, 7);
    static final EndToEnd.Shape AGENT = new EndToEnd.Shape("agent", 20, 2,
            List.of("--shape", "agent"), 640, 8);

    private Capacity() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve(option(args, "--out", "docs/CAPACITY.md"));
        String command = option(args, "--command", "bench/capacity.sh");
        boolean keep = List.of(args).contains("--keep");
        PrintStream console = System.out;

        Path work = Files.createTempDirectory("z4j-capacity-");
        Children children = new Children();
        String only = option(args, "--only", null); // socket phases alone: memory, storm (SocketPhases)
        try {
            if (only != null) {
                SocketPhases.run(root, work, children, java.util.Set.of(only.split(",")), out, command, console);
                return;
            }
            Results r = measure(root, work, command, children, console);
            console.println();
            console.print(Report.table(r));
            Files.createDirectories(out.getParent());
            Files.writeString(out, Report.markdown(r), StandardCharsets.UTF_8);
            SocketPhases.run(root, work, children, SocketPhases.PHASES, out, command, console);
            console.println("\nwrote " + out + " (run took " + r.elapsed().toSeconds() + " s)");
        } finally {
            children.stopAll();
            if (keep) {
                console.println("kept logs and reports in " + work);
            } else {
                deleteTree(work);
            }
        }
    }

    private static Results measure(Path root, Path work, String command, Children children, PrintStream out)
            throws Exception {
        Instant started = Instant.now();
        Machine machine = Machine.read();
        List<String> load = new ArrayList<>();
        out.println("capacity: " + machine.describe() + ", load " + machine.loadAverage() + ", work dir " + work);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pgdata"))
                .setCleanDataDirectory(true).start()) {
            String dbUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
            Setup setup = new Setup(Path.of(System.getProperty("java.home")),
                    root.resolve("ops/target/z4j-brain.jar"), root.resolve("loadgen/target/z4j-loadgen.jar"),
                    work, dbUrl, newSecret(), BRAIN_JVM_FLAGS);
            LoadGen loadgen = new LoadGen(children, setup);

            out.println("[1/5] raw COPY ceiling, " + RAW_SECONDS.toSeconds() + " s per path");
            String[] pgInfo = new String[2];
            RawCeiling.Result copy;
            RawCeiling.Result merge;
            RawCeiling.Result staging;
            double payload;
            try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(dbUrl, work, 60_000, 4))) {
                db.migrate();
                db.ensurePartitions(Instant.now(), 7);
                // Created the way the brain's first start would, so the brain later finds it and the
                // raw rows carry a real project id (the task projection references projects).
                Directory.Project project = db.directory().createProject("default", "Default");
                db.directory().createProject(ReplicaLatency.PROBE_PROJECT, "Capacity probe");
                pgInfo[0] = query(db, "SELECT split_part(version(), ' on ', 1)");
                pgInfo[1] = "fsync=" + query(db, "SHOW fsync") + ", synchronous_commit="
                        + query(db, "SHOW synchronous_commit") + ", shared_buffers=" + query(db, "SHOW shared_buffers")
                        + ", max_wal_size=" + query(db, "SHOW max_wal_size");
                RawCeiling raw = new RawCeiling(db, project.id(), UUID.randomUUID());
                payload = raw.meanPayloadBytes();
                copy = raw.plainCopy(RAW_SECONDS);
                out.printf("  %s: %.0f rows/s%n", copy.path(), copy.rowsPerSecond());
                raw.truncate();
                merge = raw.storeWrite(RAW_SECONDS);
                out.printf("  %s: %.0f rows/s%n", merge.path(), merge.rowsPerSecond());
                raw.truncate();
                staging = raw.stagingMerge(RAW_SECONDS);
                out.printf("  %s: %.0f rows/s%n", staging.path(), staging.rowsPerSecond());
                raw.truncate();
            }
            load.add("raw " + Machine.loadNow());

            EndToEnd.Search batched;
            EndToEnd.Search agent;
            ReplicaLatency.Result latency;
            String adminKey;
            try (BrainNode a = BrainNode.start(children, setup, "brain-a", BRAIN_JVM_FLAGS, setup.brainEnv())) {
                adminKey = a.adminKey;
                if (adminKey == null) {
                    throw new IllegalStateException("brain-a printed no admin key; see its log: " + a.logTail(10));
                }
                out.println("[2/5] end to end, brain-a pid " + a.pid() + " port " + a.port);
                Path batchedCreds = work.resolve("agents-batched.json");
                batched = EndToEnd.search(loadgen, a, adminKey, batchedCreds, BATCHED, out);
                agent = EndToEnd.search(loadgen, a, adminKey, work.resolve("agents-agent.json"), AGENT, out);
                load.add("end-to-end " + Machine.loadNow());

                out.println("[3/5] cross-replica latency with background ingest at half the batched rate");
                try (BrainNode b = BrainNode.start(children, setup, "brain-b", BRAIN_JVM_FLAGS, setup.brainEnv())) {
                    latency = ReplicaLatency.run(loadgen, a, b, adminKey, batchedCreds, BATCHED.options(),
                            Math.max(500, batched.sustained() / 2));
                }
                out.println("  command " + latency.commands() + "; notice " + latency.notices());
                load.add("latency " + Machine.loadNow());
            }

            out.println("[4/5] idle memory on a fresh brain");
            IdleMemory.Run idle;
            try (BrainNode c = BrainNode.start(children, setup, "brain-idle", BRAIN_JVM_FLAGS, setup.brainEnv())) {
                idle = IdleMemory.run(children, setup, loadgen, c, adminKey, out);
            }
            load.add("idle " + Machine.loadNow());
            out.println("[5/5] report");
            return new Results(started, Duration.between(started, Instant.now()), command, machine,
                    System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                    pgInfo[0], pgInfo[1], BRAIN_JVM_FLAGS, payload, copy, merge, staging, batched, agent, latency, idle.readings(), idle.topClasses(), load);
        }
    }

    private static String query(PostgresDatabase db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Shared by every replica: admin keys and agent tokens are hashed with it. */
    private static String newSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String option(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
