package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Connect storms against one brain on PostgreSQL, with the launcher's JVM flags:
 * <ol>
 *   <li>storm: {@link #AGENTS} x {@link #WORKERS} sockets from one loadgen ({@code --mode storm},
 *       credentials minted before the clock starts) all connect at once; the figure is the time
 *       until every one was hello-acked;</li>
 *   <li>restart: the brain is stopped (SIGTERM: sockets close with 1001) and started again on the
 *       same port while the same sockets reconnect with z4j-bare's backoff; the figures are the
 *       time from the new brain listening until all are back, and the new brain's peak of agent
 *       token lookups in flight (its /metrics), against the bound Z4J_AUTH_LOOKUPS.</li>
 * </ol>
 * Directly against the brain, no proxy in between.
 */
final class ConnectStorm {
    static final int AGENTS = 1000;
    static final int WORKERS = 10;
    /** The brain's default Z4J_AUTH_LOOKUPS (left unset here, as an operator would). */
    static final int AUTH_LOOKUPS = 4;
    private static final Pattern ALL_ACKED = Pattern.compile(
            "storm: all (\\d+) hello-acked in (\\d+) ms \\(per socket p50 (\\d+) ms, p99 (\\d+) ms; (\\d+) upgrade attempts, (\\d+) failed\\)");
    private static final Pattern RECONNECTED = Pattern.compile(
            "storm: all (\\d+) reconnected at epoch_ms=(\\d+), (\\d+) ms after the first drop \\((\\d+) upgrade attempts since");
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    /** What the brain's /metrics said about agent-token lookups. */
    record Auth(long lookups, long cacheHits, long peakInFlight) {}

    /** The storm's figures. */
    record Storm(int sockets, long allAckedMs, long p50Ms, long p99Ms, long attempts, long failed, Auth auth) {}

    /** The restart's figures; {@code sinceListeningMs} from the new brain listening to the last socket back. */
    record Restart(long downMs, long sinceListeningMs, long sinceDropMs, long attempts, Auth auth) {}

    record Run(List<String> jvmFlags, int authLookups, Storm storm, Restart restart) {}

    private ConnectStorm() {}

    static Run run(Children children, Setup setup, LoadGen loadgen, String adminKey, PrintStream out)
            throws Exception {
        int port = freePort();
        Map<String, String> env = setup.brainEnv();
        Path home = Files.createDirectories(setup.workDir().resolve("storm-home"));
        Process brain = startBrain(children, setup, env, home, port, "storm-brain-1");
        Process storm = null;
        try {
            Path creds = setup.workDir().resolve("storm-agents.json");
            List<String> args = new ArrayList<>(LoadGen.args("ws://127.0.0.1:" + port, adminKey, creds, AGENTS,
                    WORKERS, "storm"));
            args.addAll(List.of("--duration", "240s"));
            Path log = loadgen.logOf("storm");
            storm = loadgen.start(args, log);
            Matcher acked = await(storm, log, ALL_ACKED, Duration.ofSeconds(180));
            Auth first = auth(port);
            Storm s = new Storm(Integer.parseInt(acked.group(1)), Long.parseLong(acked.group(2)),
                    Long.parseLong(acked.group(3)), Long.parseLong(acked.group(4)), Long.parseLong(acked.group(5)),
                    Long.parseLong(acked.group(6)), first);
            out.printf("  storm: %d sockets hello-acked in %d ms (p50 %d, p99 %d ms per socket); %d token lookups,"
                            + " %d cache hits, peak %d lookups in flight%n", s.sockets(), s.allAckedMs(), s.p50Ms(),
                    s.p99Ms(), first.lookups(), first.cacheHits(), first.peakInFlight());

            Thread.sleep(5000);
            long stopAt = System.nanoTime();
            long stopAtMillis = System.currentTimeMillis();
            Children.stop(brain, 30);
            brain = startBrain(children, setup, env, home, port, "storm-brain-2");
            long listeningAt = System.currentTimeMillis();
            long downMs = (System.nanoTime() - stopAt) / 1_000_000;
            Matcher back = awaitReconnectedAfter(storm, log, listeningAt, Duration.ofSeconds(150));
            Auth second = auth(port);
            long backAt = Long.parseLong(back.group(2));
            Restart r = new Restart(downMs, backAt - listeningAt, backAt - stopAtMillis,
                    attemptsSince(log, stopAtMillis), second);
            out.printf("  restart: brain down %d ms; all %d back %d ms after it listened (%d ms after the SIGTERM),"
                            + " %d upgrade attempts; %d token lookups, %d cache hits, peak %d in flight%n",
                    r.downMs(), s.sockets(), r.sinceListeningMs(), r.sinceDropMs(), r.attempts(), second.lookups(),
                    second.cacheHits(), second.peakInFlight());
            return new Run(setup.brainJvmFlags(), AUTH_LOOKUPS, s, r);
        } finally {
            if (storm != null) {
                Children.stop(storm, 5);
            }
            Children.stop(brain, 20);
        }
    }

    private static Process startBrain(Children children, Setup setup, Map<String, String> env, Path home, int port,
                                      String name) throws IOException, InterruptedException {
        Path log = setup.workDir().resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(setup.java().toString());
        cmd.addAll(setup.brainJvmFlags());
        cmd.addAll(List.of("-jar", setup.brainJar().toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("Z4J_HOME", home.toString());
        pb.environment().put("Z4J_BIND_HOST", "127.0.0.1"); // load targets are loopback only
        pb.environment().put("Z4J_BIND_PORT", Integer.toString(port));
        Process p = children.start(pb);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8)).find()) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + " before listening; see " + log);
            }
            Thread.sleep(20);
        }
        Children.stop(p, 5);
        throw new IllegalStateException(name + " did not listen within 90 s; see " + log);
    }

    private static Matcher await(Process p, Path log, Pattern line, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("storm loadgen exited: " + LoadGen.tail(log, 5));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no '" + line.pattern() + "' within " + timeout + ": " + LoadGen.tail(log, 5));
    }

    /** The first "all reconnected" line stamped after {@code afterMillis} (earlier ones were to the old brain). */
    private static Matcher awaitReconnectedAfter(Process p, Path log, long afterMillis, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = RECONNECTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
            while (m.find()) {
                if (Long.parseLong(m.group(2)) > afterMillis) {
                    return m;
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("storm loadgen exited: " + LoadGen.tail(log, 5));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not all sockets back within " + timeout + ": " + LoadGen.tail(log, 5));
    }

    /** Upgrade attempts counted by the progress lines since {@code sinceMillis} (last line minus the one before). */
    private static long attemptsSince(Path log, long sinceMillis) throws IOException {
        Matcher m = Pattern.compile("epoch_ms=(\\d+) attempts=(\\d+)").matcher(Files.readString(log, StandardCharsets.UTF_8));
        long before = -1;
        long last = 0;
        while (m.find()) {
            long at = Long.parseLong(m.group(1));
            long attempts = Long.parseLong(m.group(2));
            if (at <= sinceMillis) {
                before = attempts;
            }
            last = attempts;
        }
        return before < 0 ? last : last - before;
    }

    /** The agent-token lookup figures of the brain on {@code port}. */
    static Auth auth(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return new Auth((long) metric(text, "z4j_agent_auth_lookups_total"),
                (long) metric(text, "z4j_agent_auth_cache_hits_total"),
                (long) metric(text, "z4j_agent_auth_lookups_in_flight_peak"));
    }

    private static double metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("/metrics has no " + name);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
