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
import java.sql.PreparedStatement;
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
import javax.sql.DataSource;

/**
 * One capacity run against one embedded PostgreSQL: raw COPY ceiling, end-to-end sustained rate
 * for both client shapes, cross-replica latencies under load, capacity for agents that read their
 * acks only when a write blocks (asyncio-agent), idle memory per connection. Prints a table and
 * writes the report (docs/CAPACITY.md). Started by bench/capacity.sh.
 *
 * <p>Usage: {@code Capacity --root REPO --out docs/CAPACITY.md --command "bench/capacity.sh" [--keep]
 * [--veth-name z4jcNNN]}, or {@code --only memory,storm} (SocketPhases) or {@code --only reads [--tasks N]
 * [--events N] [--readers N] [--read-seconds N] [--ingest-rate EV_PER_S] [--read-rate REQ_PER_S]} (ReadsPhase), or
 * {@code --only replica} with the same options but --readers (ReplicaReadsPhase), or {@code --only latency
 * [--ingest-rate EV_PER_S] [--writers 1,2] [--rounds N]} (LatencyPhase). With {@code --veth-name} (and root), the asyncio-agent ladders also run
 * over a 1500-MTU veth link of that name ({@link VethLink}). Exit status 1 when a ladder found no
 * passing step at all (a tool failure, not a figure of 0); the report is written anyway.
 */
public final class Capacity {
    static final List<String> BRAIN_JVM_FLAGS = List.of("-Xmx1g");
    private static final Duration RAW_SECONDS = Duration.ofSeconds(10);
    /** The plain COPY ceiling is measured this many times; the ratio uses the median, the spread is reported. */
    static final int RAW_REPEATS = 3;

    static final EndToEnd.Shape BATCHED = new EndToEnd.Shape("batched", 20, 2,
            List.of("--shape", "batched", "--batch-size", "200", "--window", "8"), 2000, 7, 250);
    static final EndToEnd.Shape AGENT = new EndToEnd.Shape("agent", 20, 2,
            List.of("--shape", "agent"), 640, 8, 80);

    private Capacity() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve(option(args, "--out", "docs/CAPACITY.md"));
        String command = option(args, "--command", "bench/capacity.sh");
        boolean keep = List.of(args).contains("--keep");
        String vethName = option(args, "--veth-name", null);
        PrintStream console = System.out;
        List<String> failed;

        Path work = Files.createTempDirectory("z4j-capacity-");
        Children children = new Children();
        String only = option(args, "--only", null); // socket phases alone: memory, storm (SocketPhases); reads
        console.printf("CPU check at the start: %,d HMAC-SHA256 of 1 KiB a second on one thread%n", Machine.checkAtStart());
        try {
            if ("reads".equals(only)) {
                ReadsPhase.run(root, work, children, ReadsPhase.Options.parse(args), out, command, console);
                return;
            }
            if ("replica".equals(only)) {
                ReplicaReadsPhase.run(root, work, children, ReadsPhase.Options.parse(args, ReplicaReadsPhase.TASKS,
                        ReplicaReadsPhase.EVENTS, ReplicaReadsPhase.INGEST_RATE), out, command, console);
                return;
            }
            if ("latency".equals(only)) {
                LatencyPhase.run(root, work, children, LatencyPhase.Options.parse(args), out, command, console);
                return;
            }
            if (only != null) {
                SocketPhases.run(root, work, children, java.util.Set.of(only.split(",")), out, command, console);
                return;
            }
            Results r = measure(root, work, command, vethName, children, console);
            console.println();
            console.print(Report.table(r));
            Files.createDirectories(out.getParent());
            // written by --only reads, --only replica and --only latency alone; a full run keeps them
            String reads = ReadsPhase.section(out);
            String replica = ReplicaReadsPhase.section(out);
            String latency = LatencyPhase.section(out);
            Files.writeString(out, Report.markdown(r), StandardCharsets.UTF_8);
            if (reads != null) {
                SocketPhases.write(out, reads, ReadsPhase.BEGIN, ReadsPhase.END);
            }
            if (replica != null) {
                SocketPhases.write(out, replica, ReplicaReadsPhase.BEGIN, ReplicaReadsPhase.END);
            }
            if (latency != null) {
                SocketPhases.write(out, latency, LatencyPhase.BEGIN, LatencyPhase.END);
            }
            SocketPhases.run(root, work, children, SocketPhases.PHASES, out, command, console);
            console.println("\nwrote " + out + " (run took " + r.elapsed().toSeconds() + " s)");
            failed = r.failedSearches();
        } finally {
            children.stopAll();
            if (keep) {
                console.println("kept logs and reports in " + work);
            } else {
                deleteTree(work);
            }
        }
        if (!failed.isEmpty()) {
            console.println("capacity: TOOL FAILURE: no step passed, down to the floor, in " + String.join(", ", failed)
                    + " (see the steps in the report; run with --keep for the logs)");
            System.exit(1);
        }
    }

    private static Results measure(Path root, Path work, String command, String vethName, Children children,
                                   PrintStream out) throws Exception {
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

            out.println("[1/5] raw COPY ceiling, " + RAW_SECONDS.toSeconds() + " s per path (plain COPY " + RAW_REPEATS
                    + " times)");
            String[] pgInfo = new String[2];
            List<RawCeiling.Result> copies = new ArrayList<>();
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
                for (int i = 0; i < RAW_REPEATS; i++) {
                    RawCeiling.Result copy = raw.plainCopy(RAW_SECONDS);
                    out.printf("  %s (%d of %d): %.0f rows/s%n", copy.path(), i + 1, RAW_REPEATS, copy.rowsPerSecond());
                    copies.add(copy);
                    raw.truncate();
                }
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
            AsyncioCapacity.Run asyncio;
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
                    // half the batched capacity; 500 ev/s if that search found nothing (the report flags it)
                    latency = ReplicaLatency.run(loadgen, a, b, adminKey, batchedCreds, BATCHED.options(),
                            batched.found() ? Math.max(500, batched.sustained() / 2) : 500, "");
                }
                out.println("  command " + latency.commands() + "; notice " + latency.notices());
                load.add("latency " + Machine.loadNow());
            }

            out.println("[4/5] asyncio-agent shape (agents that read acks only when a write blocks), loopback"
                    + (vethName == null ? "" : " and a 1500-MTU veth link"));
            DataSource pgData = pg.getPostgresDatabase();
            asyncio = AsyncioCapacity.run(children, setup, loadgen, adminKey, vethName,
                    ids -> storedEvents(pgData, ids), out);
            load.add("asyncio " + Machine.loadNow());

            out.println("[5/5] report (memory per idle socket and connect storms follow: SocketPhases)");
            return new Results(started, Duration.between(started, Instant.now()), command, machine,
                    System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                    pgInfo[0], pgInfo[1], BRAIN_JVM_FLAGS, payload, copies, merge, staging, batched, agent, latency,
                    asyncio, load);
        }
    }

    /** Events the database holds from these agents (the brake-off baseline: what was stored of what was emitted). */
    private static long storedEvents(DataSource pg, List<String> agentIds) throws Exception {
        try (Connection c = pg.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM events WHERE agent_id = ANY(?::uuid[])")) {
            s.setArray(1, c.createArrayOf("text", agentIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
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
    static String newSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String option(String[] args, String name, String def) {
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
