package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One brain replica: the production jar in its own JVM, configured only through Z4J_* variables as
 * an operator would, listening on a free loopback port. Also reads its memory from /proc and jcmd.
 */
final class BrainNode implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
    /** Printed before the listening line by a brain with Z4J_AGENT_PORT. */
    private static final Pattern AGENT_PORT = Pattern.compile("agent sockets also on ws://[^:]+:(\\d+)/ws/agent");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    final String name;
    /** The address it listens on: 127.0.0.1, or the brain's end of the capacity tool's veth link. */
    final String host;
    final int port;
    /** Z4J_AGENT_PORT's listener, or -1 when the brain was started without one. */
    final int agentPort;
    /** Printed only by the first brain on an empty database; null for later replicas. */
    final String adminKey;
    private final Process process;
    private final Path log;
    private final Path jdk;

    private BrainNode(String name, String host, Process process, int port, int agentPort, String adminKey, Path log,
                      Path jdk) {
        this.name = name;
        this.host = host;
        this.process = process;
        this.port = port;
        this.agentPort = agentPort;
        this.adminKey = adminKey;
        this.log = log;
        this.jdk = jdk;
    }

    static BrainNode start(Children children, Setup setup, String name, List<String> jvmFlags,
                           Map<String, String> env) throws IOException, InterruptedException {
        return start(children, setup, name, jvmFlags, env, "127.0.0.1"); // load targets are loopback only
    }

    /**
     * A brain listening on {@code bindHost}: 127.0.0.1, or for the 1500-MTU step the brain's end of
     * the veth pair that {@link VethLink} created on this machine (never an outside interface).
     */
    static BrainNode start(Children children, Setup setup, String name, List<String> jvmFlags,
                           Map<String, String> env, String bindHost) throws IOException, InterruptedException {
        Path home = Files.createDirectories(setup.workDir().resolve(name + "-home"));
        Path log = setup.workDir().resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(setup.java().toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", setup.brainJar().toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("Z4J_HOME", home.toString());
        pb.environment().put("Z4J_BIND_HOST", bindHost);
        pb.environment().put("Z4J_BIND_PORT", "0");
        Process p = children.start(pb);

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                String key = text.lines().map(String::strip).filter(l -> l.startsWith("z4k_")) // the admin key printed on first start
                        .findFirst().orElse(null);
                Matcher agents = AGENT_PORT.matcher(text);
                int agentPort = agents.find() ? Integer.parseInt(agents.group(1)) : -1;
                return new BrainNode(name, bindHost, p, Integer.parseInt(m.group(1)), agentPort, key, log, setup.jdk());
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + " before listening; see " + log);
            }
            Thread.sleep(100);
        }
        Children.stop(p, 5);
        throw new IllegalStateException(name + " did not start listening within 90 s; see " + log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String wsUrl() {
        return "ws://" + host + ":" + port;
    }

    /** The operator API's base (minting agents). */
    String httpUrl() {
        return "http://" + host + ":" + port;
    }

    /** Where agents connect on Z4J_AGENT_PORT. */
    String agentPortWsUrl() {
        if (agentPort < 0) {
            throw new IllegalStateException(name + " has no agent port (started without Z4J_AGENT_PORT)");
        }
        return "ws://" + host + ":" + agentPort;
    }

    /** Its Prometheus counters, parsed ({@code GET /metrics}). */
    BrainMetrics metrics() throws IOException, InterruptedException {
        return BrainMetrics.scrape(host, port);
    }

    /** Resident set size in KiB from /proc/PID/status (VmRSS). */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** A full GC, so RSS and heap figures are not inflated by garbage waiting for a collection. */
    void fullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
    }

    /** Java heap in use (KiB) as the collector reports it (jcmd GC.heap_info, first "used" figure). */
    long heapUsedKib() throws IOException, InterruptedException {
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IOException("cannot read heap use of " + name);
        }
        return Long.parseLong(m.group(1));
    }

    /** Runs one jcmd diagnostic command against this brain and returns what it printed. */
    String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jdk.resolve("bin/jcmd").toString(), Long.toString(pid()), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    List<String> logTail(int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    public void close() {
        Children.stop(process, 20);
    }
}
