package dev.z4j.brain.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Capacity for agents that read their acks only when a socket write blocks (loadgen's
 * {@code asyncio-agent} shape, a model of real z4j-bare agents; docs/PROTOCOL.md section 8.1): per
 * agent count, the highest offered rate at which every event is acked (every buffer empty within
 * {@link #SETTLE} after the load) and the agents' buffers stay bounded during it, searched by a
 * {@link Ladder}. Also one step at a trickle (the ack p99 bar at the lowest rate), the same ladders
 * over a 1500-MTU veth link when this machine allows it, and one step with the resend brake off.
 */
final class AsyncioCapacity {
    static final Duration LOAD = Duration.ofSeconds(30);
    static final Duration WARMUP = Duration.ofSeconds(15);
    /** At the capacity found on loopback the agents empty their buffers within about 10 s of the load's end. */
    static final Duration SETTLE = Duration.ofSeconds(20);
    /** Backlog samples before this second are left out of its trend: the agents' first block comes later. */
    static final int SKIP_SECONDS = 8;
    static final double GROWTH = 1.6;
    static final int MAX_UP_STEPS = 7;
    static final int REFINEMENTS = 2;
    /** Near the loopback limit (about 125-135 ev/s per agent on this machine), so few steps are spent below it. */
    static final double FIRST_PER_AGENT = 100;
    static final double FLOOR_PER_AGENT = 15;
    static final double TRICKLE_PER_AGENT = 5;
    static final List<Integer> AGENT_COUNTS = List.of(4, 1);
    static final int BASELINE_AGENTS = 4;
    static final double BASELINE_PER_AGENT = 25;
    static final String LOOPBACK = "loopback";
    static final String MTU1500 = "1500-MTU link";

    /** Counts the events the database holds for the given agent ids. */
    @FunctionalInterface
    interface StoredEvents {
        long count(List<String> agentIds) throws Exception;
    }

    /** Where the agents run and how loadgen reaches the brain there. */
    private record Link(String name, BrainNode brain, LoadGen loadgen, List<String> extraArgs, List<String> ssPrefix) {}

    /** One agent count on one link: the ladder and the trickle step. */
    record Search(String link, int agents, Ladder.Result<AsyncioStep> ladder, AsyncioStep trickle) {
        /** The highest offered rate meeting the bar as stated (acked, bounded, p99 < 1 s), counted steps and trickle. */
        Optional<AsyncioStep> latencyBarBest() {
            List<AsyncioStep> all = new ArrayList<>();
            ladder.attempts().stream().filter(Ladder.Attempt::counted).forEach(a -> all.add(a.outcome()));
            all.add(trickle);
            return all.stream().filter(AsyncioStep::meetsLatencyBar).max(Comparator.comparingDouble(AsyncioStep::offered));
        }
    }

    /** The resend brake off: what the agents emitted and what the database holds of it. */
    record Baseline(AsyncioStep step, long stored) {}

    /** The whole phase. {@code mtu1500} is empty and {@code mtu1500Note} says why when the link was not possible. */
    record Run(List<Search> loopback, List<Search> mtu1500, String mtu1500Note, Baseline brakeOff, String kernelTcp) {
        List<Search> all() {
            List<Search> all = new ArrayList<>(loopback);
            all.addAll(mtu1500);
            return all;
        }
    }

    private AsyncioCapacity() {}

    static Run run(Children children, Setup setup, LoadGen loadgen, String adminKey, String vethName,
                   StoredEvents stored, PrintStream out) throws Exception {
        Path credentials = setup.workDir().resolve("agents-asyncio.json");
        List<Search> loopback = new ArrayList<>();
        try (BrainNode brain = BrainNode.start(children, setup, "brain-asyncio", setup.brainJvmFlags(),
                setup.brainEnv())) {
            out.println("  loopback: brain-asyncio pid " + brain.pid() + " port " + brain.port);
            Link link = new Link(LOOPBACK, brain, loadgen, List.of(), List.of());
            for (int agents : AGENT_COUNTS) {
                loopback.add(search(link, adminKey, credentials, agents, out));
            }
        }

        List<Search> mtu1500 = new ArrayList<>();
        String note = vethName == null ? "skipped (bench/capacity.sh --no-veth, or no --veth-name given)"
                : VethLink.unavailableReason();
        if (note == null) {
            try (VethLink veth = VethLink.create(vethName);
                 BrainNode brain = BrainNode.start(children, setup, "brain-mtu1500", setup.brainJvmFlags(),
                         setup.brainEnv(), veth.hostAddress)) {
                note = veth.describe();
                out.println("  " + note + "; brain-mtu1500 pid " + brain.pid() + " port " + brain.port);
                Link link = new Link(MTU1500, brain, loadgen.through(veth.inside()),
                        List.of("--veth-target", veth.namespaceInterface), veth.inside());
                for (int agents : AGENT_COUNTS) {
                    mtu1500.add(search(link, adminKey, credentials, agents, out));
                }
            } catch (IOException | IllegalStateException e) {
                // optional: a link or brain that cannot be set up must not cost the rest of the run
                note = "skipped: " + e.getMessage();
                mtu1500.clear();
            }
        } else {
            note = note.startsWith("skipped") ? note : "skipped: " + note;
        }
        if (mtu1500.isEmpty()) {
            out.println("  1500-MTU link " + note);
        }

        Baseline baseline;
        Map<String, String> env = new HashMap<>(setup.brainEnv());
        env.put("Z4J_WS_RESEND_BRAKE", "off");
        try (BrainNode brain = BrainNode.start(children, setup, "brain-brake-off", setup.brainJvmFlags(), env)) {
            Link link = new Link(LOOPBACK, brain, loadgen, List.of(), List.of());
            // fresh agents, so the database count is exactly what this step stored
            AsyncioStep s = step(link, adminKey, setup.workDir().resolve("agents-brake-off.json"), BASELINE_AGENTS,
                    BASELINE_AGENTS * BASELINE_PER_AGENT, LOAD, Duration.ofSeconds(5), "asyncio-brake-off");
            Thread.sleep(2000); // the brain's pipeline commits what it acked within milliseconds; be generous
            long n = stored.count(agentIds(setup.workDir().resolve("asyncio-brake-off.json")));
            baseline = new Baseline(s, n);
            out.printf("  brake off, %d agents x %.0f ev/s: emitted %d, stored %d, acked to the agents %d, %.1f copies/event%n",
                    BASELINE_AGENTS, BASELINE_PER_AGENT, s.emitted(), n, s.confirmed(), s.copiesPerEvent());
        }
        return new Run(loopback, mtu1500, note, baseline, kernelTcp());
    }

    /** The kernel settings that size an agent's send buffer (autotuning limits, congestion control). */
    static String kernelTcp() {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("tcp_wmem", "tcp_rmem", "tcp_congestion_control")) {
            try {
                // readAllLines, not readString: a /proc/sys file read in one call yields its first byte only
                String v = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4", k))).strip()
                        .replaceAll("\\s+", " ");
                b.append(b.isEmpty() ? "" : ", ").append("net.ipv4.").append(k).append(" = ").append(v);
            } catch (IOException e) {
                b.append(b.isEmpty() ? "" : ", ").append("net.ipv4.").append(k).append(" unreadable");
            }
        }
        return b.toString();
    }

    static Ladder.Plan plan(int agents) {
        return new Ladder.Plan(agents * FIRST_PER_AGENT, GROWTH, MAX_UP_STEPS, REFINEMENTS, agents * FLOOR_PER_AGENT);
    }

    private static Search search(Link link, String adminKey, Path credentials, int agents, PrintStream out)
            throws Exception {
        String tag = "asyncio-" + (link.name().equals(LOOPBACK) ? "lo" : "mtu1500") + "-" + agents + "a-";
        Ladder.Result<AsyncioStep> ladder = Ladder.search(plan(agents), (rate, kind, index) -> {
            AsyncioStep s = step(link, adminKey, credentials, agents, rate,
                    kind == Ladder.Kind.WARMUP ? WARMUP : LOAD, SETTLE, tag + index);
            print(out, link, agents, kind.label, s, kind == Ladder.Kind.WARMUP);
            return s;
        });
        AsyncioStep trickle = step(link, adminKey, credentials, agents, agents * TRICKLE_PER_AGENT, LOAD, SETTLE,
                tag + "trickle");
        print(out, link, agents, "trickle", trickle, false);
        return new Search(link.name(), agents, ladder, trickle);
    }

    private static void print(PrintStream out, Link link, int agents, String kind, AsyncioStep s, boolean warmup) {
        out.printf("  %-13s %d agent%s %-7s %5.0f ev/s: %s, backlog %+.1f ev/s (peak %d), ack p50 %.0f p99 %.0f ms, "
                        + "%.1f copies/event, %d holds (mean %.2f s), %s -> %s%n",
                link.name(), agents, agents == 1 ? " " : "s", kind, s.offered(),
                s.allAcked() ? "all acked in " + Report.f1(s.settleSeconds()) + " s" : "NOT all acked",
                s.growth(), s.peakBacklog(), s.ackP50(), s.ackP99(), s.copiesPerEvent(), s.holds(),
                s.meanHoldSeconds(), s.socket().describe(),
                warmup ? "(not counted)" : s.passed() ? "kept up" : "FELL BEHIND (" + s.whyNot() + ")");
    }

    /** One loadgen run of {@code agents} simulated z4j-bare processes offering {@code rate} events/s in total. */
    private static AsyncioStep step(Link link, String adminKey, Path credentials, int agents, double rate,
                                    Duration load, Duration settle, String label) throws Exception {
        long offered = Math.max(1, Math.round(rate));
        List<String> args = new ArrayList<>(LoadGen.args(link.brain().wsUrl(), adminKey, credentials, agents, 1,
                "steady"));
        args.addAll(List.of("--shape", "asyncio-agent", "--rate", Long.toString(offered),
                "--duration", load.toSeconds() + "s", "--drain", settle.toSeconds() + "s"));
        args.addAll(link.extraArgs());
        BrainMetrics before = link.brain().metrics();
        long started = System.nanoTime();
        Process p = link.loadgen().startRun(label, args);
        // mid-load: the send buffers have grown to what autotuning gives them by then
        long sampleAt = started + TimeUnit.SECONDS.toNanos(2) + load.toNanos() * 6 / 10;
        while (p.isAlive() && System.nanoTime() < sampleAt) {
            Thread.sleep(100);
        }
        SocketSample socket = p.isAlive() ? SocketSample.take(link.ssPrefix(), link.brain().port) : SocketSample.NONE;
        JsonNode r = link.loadgen().awaitReport(label, p, load.plus(settle).plusSeconds(90));
        BrainMetrics after = link.brain().metrics();
        Backlog backlog = Backlog.parse(Files.readString(link.loadgen().logOf(label), StandardCharsets.UTF_8));

        long emitted = 0, confirmed = 0, buffered = 0, evicted = 0, copies = 0, bytes = 0;
        for (JsonNode a : r.path("agents")) {
            emitted += a.path("emitted").asLong();
            confirmed += a.path("confirmed").asLong();
            buffered += a.path("buffered").asLong();
            evicted += a.path("evicted").asLong();
            copies += a.path("copies").asLong();
            bytes += a.path("bytes_sent").asLong();
        }
        JsonNode lat = r.path("modes").path("steady").path("ack_latency_ms");
        double settled = Duration.between(Instant.parse(r.path("load_ended_at").asText()),
                Instant.parse(r.path("finished_at").asText())).toMillis() / 1000.0;
        List<String> failures = new ArrayList<>();
        r.path("failures").forEach(f -> failures.add(f.asText()));
        Thread.sleep(2000); // the brain closes the sessions before the next step connects
        return new AsyncioStep(label, offered, agents, p.exitValue(), r.path("load_seconds").asDouble(), settled,
                emitted, confirmed, buffered, evicted, copies, bytes, lat.path("p50").asDouble(),
                lat.path("p99").asDouble(), backlog.growthPerSecond(SKIP_SECONDS), backlog.peak(),
                Math.round(after.since(before, "z4j_agent_read_holds_total")),
                after.since(before, "z4j_agent_read_held_seconds_total"), socket, String.join("; ", failures));
    }

    private static List<String> agentIds(Path report) throws IOException {
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(report.toFile()).path("agents")
                .forEach(a -> ids.add(a.path("agent_id").asText()));
        return ids;
    }
}
