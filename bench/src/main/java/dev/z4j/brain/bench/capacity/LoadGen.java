package dev.z4j.brain.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs z4j-loadgen in its own JVM (it needs its own 20000 file descriptors) and reads its --report. */
final class LoadGen {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONNECTED = Pattern.compile("conn=(\\d+)/(\\d+)");
    static final List<String> JVM_FLAGS = List.of("-Xmx1g");

    private final Children children;
    private final Setup setup;
    /** Put before {@code java}: empty, or {@code ip netns exec NS} to run inside the veth link's namespace. */
    private final List<String> wrapper;

    LoadGen(Children children, Setup setup) {
        this(children, setup, List.of());
    }

    private LoadGen(Children children, Setup setup, List<String> wrapper) {
        this.children = children;
        this.setup = setup;
        this.wrapper = List.copyOf(wrapper);
    }

    /** The same load generator, every run started through {@code wrapper} (e.g. {@code ip netns exec NS}). */
    LoadGen through(List<String> wrapper) {
        return new LoadGen(children, setup, wrapper);
    }

    /** What one steady run reported. */
    record Result(String label, double targetRate, int exitCode, double loadSeconds, long sent, long acked,
                  long framesResent, double ackP50, double ackP99, String failures) implements Ladder.Outcome {

        double ackedPerSecond() {
            return loadSeconds <= 0 ? 0 : acked / loadSeconds;
        }

        /** Kept up: everything acked, no connection trouble, ack p99 under 1 s, at least 90% of the target. */
        boolean sustained() {
            return exitCode == 0 && ackP99 < 1000 && ackedPerSecond() >= 0.9 * targetRate;
        }

        @Override
        public boolean passed() {
            return sustained();
        }
    }

    /** Runs to completion (duration + drain) and returns the parsed report. */
    Result run(String label, List<String> args, double targetRate, Duration timeout)
            throws IOException, InterruptedException {
        return await(label, startRun(label, args), targetRate, timeout);
    }

    /** Starts a run that writes {@code label}.json; {@link #await} reads it. */
    Process startRun(String label, List<String> args) throws IOException {
        List<String> full = new ArrayList<>(args);
        full.addAll(List.of("--report", setup.workDir().resolve(label + ".json").toString()));
        return start(full, setup.workDir().resolve(label + ".log"));
    }

    Result await(String label, Process p, double targetRate, Duration timeout)
            throws IOException, InterruptedException {
        JsonNode r = awaitReport(label, p, timeout);
        JsonNode c = r.path("counters");
        JsonNode lat = r.path("modes").path(r.path("options").path("mode").asText()).path("ack_latency_ms");
        List<String> failures = new ArrayList<>();
        r.path("failures").forEach(f -> failures.add(f.asText()));
        return new Result(label, targetRate, p.exitValue(), r.path("load_seconds").asDouble(),
                c.path("events_sent").asLong(), c.path("events_acked").asLong(), c.path("frames_resent").asLong(),
                lat.path("p50").asDouble(), lat.path("p99").asDouble(), String.join("; ", failures));
    }

    /** Waits for the run and returns its --report JSON as written. */
    JsonNode awaitReport(String label, Process p, Duration timeout) throws IOException, InterruptedException {
        Path report = setup.workDir().resolve(label + ".json");
        Path log = setup.workDir().resolve(label + ".log");
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            Children.stop(p, 5);
            throw new IllegalStateException(label + ": loadgen did not finish within " + timeout + "; see " + log);
        }
        if (!Files.isRegularFile(report)) {
            throw new IllegalStateException(label + ": loadgen exited " + p.exitValue() + " without a report: "
                    + tail(log, 5));
        }
        return JSON.readTree(report.toFile());
    }

    Path logOf(String label) {
        return setup.workDir().resolve(label + ".log");
    }

    /** Starts a run in the background (idle connections, background ingest); the caller stops it. */
    Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(setup.java().toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-jar", setup.loadgenJar().toString()));
        cmd.addAll(args);
        return children.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()));
    }

    /** Waits until the progress lines of {@code log} show all {@code expected} connections open. */
    static void awaitConnections(Process p, Path log, int expected, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = CONNECTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
            int open = -1;
            while (m.find()) {
                open = Integer.parseInt(m.group(1));
            }
            if (open >= expected) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("loadgen exited before " + expected + " connections: " + tail(log, 5));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(expected + " connections not open within " + timeout + ": " + tail(log, 3));
    }

    static String tail(Path log, int lines) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "(no output)";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Common options: target, credentials (minted on the first run, then reused), shape. */
    static List<String> args(String wsUrl, String adminKey, Path credentials, int agents, int workers, String mode) {
        List<String> a = new ArrayList<>(List.of("--url", wsUrl, "--agents", Integer.toString(agents),
                "--workers", Integer.toString(workers), "--mode", mode, "--credentials", credentials.toString()));
        if (adminKey != null) {
            a.addAll(List.of("--admin-key", adminKey));
        }
        return a;
    }
}
