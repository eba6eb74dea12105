package dev.z4j.brain.bench.capacity;

import dev.z4j.brain.ingress.ws.WsPort;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

/**
 * The per-socket phases of the capacity run: memory per idle agent socket ({@link SocketMemory})
 * and connect storms ({@link ConnectStorm}), on their own embedded PostgreSQL, brains started with
 * exactly the JVM flags {@code ./z4j-brain} ships. Run after the other phases by a full
 * {@code bench/capacity.sh}, or alone with {@code bench/capacity.sh --only memory,storm}. Their
 * section of docs/CAPACITY.md (between the markers below) is replaced, the rest left as it is.
 */
final class SocketPhases {
    static final Set<String> PHASES = Set.of("memory", "storm");
    static final String BEGIN = "<!-- socket-phases:begin (bench/capacity.sh --only memory,storm) -->";
    static final String END = "<!-- socket-phases:end -->";

    private SocketPhases() {}

    /** Runs the selected phases ({@link #PHASES}) and writes their section into {@code report}. */
    static void run(Path root, Path work, Children children, Set<String> phases, Path report, String command,
                    PrintStream out) throws Exception {
        for (String p : phases) {
            if (!PHASES.contains(p)) {
                throw new IllegalArgumentException("--only: unknown phase '" + p + "' (known: memory, storm)");
            }
        }
        Instant started = Instant.now();
        Path jdk = Path.of(System.getProperty("java.home"));
        List<String> flags = LauncherFlags.read(root, jdk);
        out.println("socket phases " + phases + ": brain JVM flags (./z4j-brain --jvm-flags) " + String.join(" ", flags));
        SocketMemory.Run memory = null;
        SocketMemory.Run agentPortMemory = null;
        ConnectStorm.Run storm = null;
        Path pgDir = Files.createDirectories(work.resolve("sockets-pgdata"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true)
                .start()) {
            String dbUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
            Setup setup = new Setup(jdk, root.resolve("ops/target/z4j-brain.jar"),
                    root.resolve("loadgen/target/z4j-loadgen.jar"), work, dbUrl, newSecret(), flags);
            LoadGen loadgen = new LoadGen(children, setup);
            String adminKey;
            try (BrainNode first = BrainNode.start(children, setup, "sockets-brain", flags, setup.brainEnv())) {
                adminKey = first.adminKey != null ? first.adminKey : printedKey(first.logTail(60));
                if (adminKey == null) {
                    throw new IllegalStateException("the first brain printed no admin key: " + first.logTail(10));
                }
                if (phases.contains("memory")) {
                    out.println("[memory] idle agent sockets on one brain's HTTP port, pid " + first.pid());
                    memory = SocketMemory.run(children, setup, loadgen, first, first.wsUrl(), adminKey, out);
                }
            }
            if (phases.contains("memory")) {
                Map<String, String> env = new HashMap<>(setup.brainEnv());
                env.put("Z4J_AGENT_PORT", "0");
                try (BrainNode b = BrainNode.start(children, setup, "agent-port-brain", flags, env)) {
                    out.println("[memory] the same on Z4J_AGENT_PORT (our own socket under /ws/agent), pid " + b.pid());
                    agentPortMemory = SocketMemory.run(children, setup, loadgen, b, b.agentPortWsUrl(), adminKey, out);
                }
            }
            if (phases.contains("storm")) {
                out.println("[storm] " + ConnectStorm.AGENTS * ConnectStorm.WORKERS + " sockets at once, then a restart");
                storm = ConnectStorm.run(children, setup, loadgen, adminKey, out);
            }
        }
        String section = markdown(memory, agentPortMemory, storm, command, started, Duration.between(started, Instant.now()));
        write(report, section);
        out.println("wrote the socket phases' section of " + report);
    }

    /** Replaces the section between the markers, or appends it. */
    static void write(Path report, String section) throws Exception {
        write(report, section, BEGIN, END);
    }

    /** Replaces the section between {@code begin} and {@code end}, or appends it (shared with {@link ReadsPhase}). */
    static void write(Path report, String section, String begin, String end) throws Exception {
        String text = Files.isRegularFile(report) ? Files.readString(report, StandardCharsets.UTF_8) : "";
        String block = begin + "\n" + section + end + "\n";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b >= 0 && e > b) {
            text = text.substring(0, b) + block + text.substring(e + end.length()).replaceFirst("^\n", "");
        } else {
            text = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : "\n") + block;
        }
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text, StandardCharsets.UTF_8);
    }

    static String markdown(SocketMemory.Run m, SocketMemory.Run a, ConnectStorm.Run s, String command, Instant started,
                           Duration took) {
        StringBuilder t = new StringBuilder();
        t.append("## Agent sockets: memory and connect storms\n\n");
        t.append(Report.writtenBy(command, started, took)).append(", on its own embedded PostgreSQL; brains run ")
                .append("with exactly the flags `./z4j-brain` ships: `")
                .append(String.join(" ", m != null ? m.jvmFlags() : s.jvmFlags())).append("`.\n\n");
        if (m != null) {
            t.append("### Memory per idle agent socket\n\n");
            t.append(memory(m, false));
        }
        if (a != null) {
            t.append("### Memory per idle agent socket on the agent port\n\n");
            t.append("The same steps on a brain started with `Z4J_AGENT_PORT=0`, the load generators connecting to that ")
                    .append("port: `/ws/agent` on a listener of our own (`WsPort`), each socket read through a ")
                    .append(WsPort.READ_BUFFER_BYTES).append("-byte buffer, instead of Helidon's HTTP/1 connection with its 8 KiB ")
                    .append("read buffer and its connection loop's stack frames.\n\n");
            t.append(memory(a, true));
        }
        if (s != null) {
            ConnectStorm.Storm st = s.storm();
            ConnectStorm.Restart r = s.restart();
            t.append("### Connect storms\n\n");
            t.append("One brain on PostgreSQL (defaults: `Z4J_AUTH_LOOKUPS=").append(s.authLookups())
                    .append("`, token cache on); one load generator `--mode storm` with ").append(ConnectStorm.AGENTS)
                    .append(" agents x ").append(ConnectStorm.WORKERS).append(" workers = ").append(st.sockets())
                    .append(" sockets (credentials minted before the clock starts), every socket starting its ")
                    .append("upgrade at the same instant, no client-side pacing. Directly against the brain: no ")
                    .append("proxy in between.\n\n");
            t.append("| step | figure | goal | met |\n|---|---|---|---|\n");
            t.append("| storm: all ").append(st.sockets()).append(" hello-acked | ").append(st.allAckedMs())
                    .append(" ms (per socket p50 ").append(st.p50Ms()).append(" ms, p99 ").append(st.p99Ms())
                    .append(" ms; ").append(st.attempts()).append(" upgrades, ").append(st.failed())
                    .append(" failed) | <= 15 s | ").append(st.allAckedMs() <= 15_000 && st.failed() == 0 ? "yes" : "NO")
                    .append(" |\n");
            t.append("| storm: token lookups against the database | ").append(st.auth().lookups()).append(" for ")
                    .append(ConnectStorm.AGENTS).append(" tokens (").append(st.auth().cacheHits())
                    .append(" sockets answered from the cache, the rest shared a lookup); peak ")
                    .append(st.auth().peakInFlight()).append(" in flight | peak <= ").append(s.authLookups())
                    .append(" | ").append(st.auth().peakInFlight() <= s.authLookups() ? "yes" : "NO").append(" |\n");
            t.append("| restart: all ").append(st.sockets()).append(" back after the new brain listened | ")
                    .append(r.sinceListeningMs()).append(" ms (").append(r.sinceDropMs())
                    .append(" ms after the first socket dropped; brain down ").append(r.downMs()).append(" ms; ")
                    .append(r.attempts()).append(" upgrade attempts) | | |\n");
            t.append("| restart: token lookups of the new brain | ").append(r.auth().lookups()).append(" (")
                    .append(r.auth().cacheHits()).append(" from the cache); peak ").append(r.auth().peakInFlight())
                    .append(" in flight | peak <= ").append(s.authLookups()).append(" | ")
                    .append(r.auth().peakInFlight() <= s.authLookups() ? "yes" : "NO").append(" |\n\n");
            t.append("The restart: SIGTERM (the brain closes every socket with 1001 after its last acks), a new ")
                    .append("brain process on the same port and database, and the sockets reconnecting with z4j-bare's ")
                    .append("backoff (1 s doubling to 30 s, up to 30% jitter; connection refused while the port is ")
                    .append("closed counts as a failed attempt). The new brain starts with an empty token cache, so ")
                    .append("it looks each token up once; the other sockets of the same agent share that lookup or ")
                    .append("find it cached.\n\n");
        }
        return t.toString();
    }

    /** The memory table, verdict, histogram and breakdown of one pass. */
    private static String memory(SocketMemory.Run m, boolean agentPort) {
        StringBuilder t = new StringBuilder();
        if (agentPort) {
            t.append("Method as above.\n\n");
        } else {
            t.append("One brain; idle sockets added by load generators in their own processes (`--mode idle`, ")
                    .append(SocketMemory.WORKERS).append(" workers per agent, a signed heartbeat every 10 s) and kept ")
                    .append("open. Each step: 10 s settle, VmRSS as the brain runs, `jcmd PID GC.run`, at once heap used and committed (`GC.heap_info`), ")
                    .append("then `jcmd PID System.trim_native_heap` (what the launcher's `-XX:TrimNativeHeapInterval` does every 10 s), 2 s, ")
                    .append("VmRSS and kernel socket memory. Per-socket figures ")
                    .append("are the growth since 0 sockets divided by the sockets. Kernel memory is not in any RSS; ")
                    .append("on loopback both ends are on this machine, so its per-socket figures are half the ")
                    .append("machine-wide growth (`/proc/net/sockstat` TCP `mem` pages for buffers, `/proc/slabinfo` ")
                    .append("TCP + sock_inode_cache + tcp_bind_bucket for the socket objects). The last row is ")
                    .append("the same sockets read again after ").append(SocketMemory.IDLE_SECONDS)
                    .append(" s of idling (every session's 180 s replay window full of heartbeat nonces, every stack ")
                    .append("parked many times): what a socket keeps for hours, and what the target is judged on.\n\n");
        }
        t.append("| sockets | RSS KiB running | RSS KiB after GC | heap used KiB | heap committed KiB | RSS/socket running | RSS/socket after GC | live heap/socket | kernel objects/socket | kernel buffers/socket |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (SocketMemory.Reading r : m.readings()) {
            boolean z = r.connections() == 0;
            t.append("| ").append(r.label()).append(" | ").append(r.rssRunningKib()).append(" | ")
                    .append(r.rssKib()).append(" | ").append(r.heapUsedKib()).append(" | ")
                    .append(r.heapCommittedKib()).append(" | ")
                    .append(z ? "" : f1(m.rssRunningPerConnection(r))).append(" | ")
                    .append(z ? "" : f1(m.rssPerConnection(r))).append(" | ")
                    .append(z ? "" : f1(m.heapPerConnection(r))).append(" | ")
                    .append(z ? "" : f1(m.slabPerConnection(r))).append(" | ")
                    .append(z ? "" : f1(m.buffersPerConnection(r))).append(" |\n");
        }
        SocketMemory.Reading last = m.readings().get(m.readings().size() - 1);
        double rss = m.rssPerConnection(last);
        // RSS can grow less than the live heap when the heap's first -Xms pages were resident at 0
        // sockets already: the verdict takes the larger of the two.
        double judged = Math.max(rss, m.heapPerConnection(last));
        t.append(String.format(Locale.ROOT, "%nTarget <= 16 KiB RSS per socket at %d idle connections (stretch 8), "
                        + "after %d s idle: **%.1f KiB** after GC, live heap %.1f KiB (%s, on the larger), %.1f KiB as "
                        + "it runs.%n%n",
                last.connections(), last.idleSeconds(), rss, m.heapPerConnection(last),
                judged <= 8 ? "stretch met" : judged <= 16 ? "met" : "NOT met", m.rssRunningPerConnection(last)));
        t.append("Where the live heap goes at ").append(last.connections())
                .append(" sockets after ").append(last.idleSeconds()).append(" s idle (`GC.class_histogram`), per socket:\n\n| class | instances | bytes | bytes/socket |\n|---|---|---|---|\n");
        for (SocketMemory.ClassShare c : m.watched()) {
            t.append("| `").append(c.name()).append("` | ").append(c.instances()).append(" | ").append(c.bytes())
                    .append(" | ").append(f0(c.bytes() / (double) last.connections())).append(" |\n");
        }
        t.append(breakdown(m, last, rss, agentPort));
        t.append("\nLargest live classes (rank, instances, bytes, class):\n\n```\n");
        m.topClasses().forEach(l -> t.append(l).append('\n'));
        t.append("```\n\n");
        return t.toString();
    }

    /**
     * What the RSS per socket is made of, from the histogram: Helidon's per-connection read buffer
     * (a fixed 8 KiB byte[] in its blocking socket, not configurable), the parked virtual thread's
     * stack (its frames: JDK socket read, Helidon's connection and HTTP/1 loops, our frame reader),
     * the other byte arrays, every other live object, and what RSS holds beyond the live heap.
     */
    private static String breakdown(SocketMemory.Run m, SocketMemory.Reading last, double rss, boolean agentPort) {
        double bytes = share(m, "[B", last) / 1024;
        double stack = share(m, "jdk.internal.vm.StackChunk", last) / 1024;
        double heap = m.heapPerConnection(last);
        double readBuffer = agentPort ? WsPort.READ_BUFFER_BYTES / 1024.0 : 8.0;
        return String.format(Locale.ROOT, "%nPer socket at %d after %d s idle: %.1f KiB RSS after GC = %.1f KiB "
                        + (agentPort ? "our read buffer " : "Helidon's read buffer ")
                        + "+ %.1f KiB other byte arrays + %.1f KiB parked virtual-thread stack + %.1f KiB every other "
                        + "live object %s.%n",
                last.connections(), last.idleSeconds(), rss, readBuffer, Math.max(0, bytes - readBuffer), stack,
                Math.max(0, heap - bytes - stack), rss >= heap
                        ? String.format(Locale.ROOT, "+ %.1f KiB beyond the live heap (GC regions and headroom, native)", rss - heap)
                        : String.format(Locale.ROOT, "- %.1f KiB: RSS grew less than the live heap, whose first "
                                + "pages (-Xms) were resident at 0 sockets already", heap - rss));
    }

    private static double share(SocketMemory.Run m, String name, SocketMemory.Reading last) {
        return m.watched().stream().filter(c -> c.name().equals(name)).mapToDouble(c -> c.bytes()).sum()
                / last.connections();
    }

    /** The key on the line after "Admin API key" (printed once by the first start on an empty database). */
    static String printedKey(List<String> log) {
        for (int i = 0; i + 1 < log.size(); i++) {
            if (log.get(i).contains("Admin API key")) {
                return log.get(i + 1).strip();
            }
        }
        return null;
    }

    private static String newSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String f0(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }

    private static String f1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
