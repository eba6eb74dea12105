package dev.z4j.brain.bench.capacity;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory per idle agent socket, split the way the target is stated: RSS and live heap per
 * connection, at 1k, 5k and 10k, plus kernel socket memory (not in RSS). One brain with the
 * launcher's JVM flags; idle connections come from load generators in their own processes (50
 * workers per agent, heartbeats only) and stay open, so every step measures the same JVM with
 * more sockets. Each reading: RSS as the brain runs (after a 10 s settle), then a full GC
 * ({@code jcmd GC.run}) and heap used/committed at once, then a native-heap trim ({@code jcmd
 * System.trim_native_heap}, what the launcher's flag does every 10 s), 2 s, and RSS and kernel
 * figures again. The last reading is taken again after the sockets idled for {@link #IDLE_SECONDS}:
 * what an agent socket keeps for hours (each session's replay window full of heartbeat nonces,
 * stacks parked many times), which the target is judged on.
 */
final class SocketMemory {
    static final int WORKERS = 50;
    /** Agents added per step: 0 -> 1000 -> 5000 -> 10000 sockets. */
    static final int[] ADDED_AGENTS = {0, 20, 80, 100};
    /** The replay guard's nonce window (180 s) and a heartbeat more. */
    static final int IDLE_SECONDS = 190;
    private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");
    private static final Pattern HISTO_ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");

    /** One step. RSS before the explicit GC is what the process holds as it runs. */
    record Reading(int connections, int idleSeconds, long rssRunningKib, long rssKib, long heapUsedKib,
                   long heapCommittedKib, KernelSockets kernel) {
        /** "10000", or "10000 after 190 s idle" for the reading taken again after idling. */
        String label() {
            return connections + (idleSeconds > 0 ? " after " + idleSeconds + " s idle" : "");
        }
    }

    /** Bytes and instances of one class in the live-object histogram. */
    record ClassShare(String name, long instances, long bytes) {}

    /** The readings, the top of the histogram at the last step, and the classes the text discusses. */
    record Run(List<String> jvmFlags, List<Reading> readings, List<String> topClasses, List<ClassShare> watched) {
        Reading zero() {
            return readings.get(0);
        }

        double rssPerConnection(Reading r) {
            return (r.rssKib() - zero().rssKib()) / (double) r.connections();
        }

        double rssRunningPerConnection(Reading r) {
            return (r.rssRunningKib() - zero().rssRunningKib()) / (double) r.connections();
        }

        double heapPerConnection(Reading r) {
            return (r.heapUsedKib() - zero().heapUsedKib()) / (double) r.connections();
        }

        /** Kernel socket objects per connection, one end (half the loopback delta). */
        double slabPerConnection(Reading r) {
            return (r.kernel().slabKib() - zero().kernel().slabKib()) / (2.0 * r.connections());
        }

        double buffersPerConnection(Reading r) {
            return (r.kernel().buffersKib() - zero().kernel().buffersKib()) / (2.0 * r.connections());
        }
    }

    private static final int TOP_CLASSES = 15;
    private static final List<String> WATCHED = List.of("[B", "jdk.internal.vm.StackChunk", "java.lang.VirtualThread",
            "java.lang.String", "java.util.concurrent.ConcurrentHashMap$Node", "io.helidon.webserver.http1.Http1Connection");

    private SocketMemory() {}

    /** Idle sockets on {@code brain}, connecting to {@code wsUrl} (its HTTP port or its agent port). */
    static Run run(Children children, Setup setup, LoadGen loadgen, BrainNode brain, String wsUrl, String adminKey,
                   PrintStream out) throws Exception {
        List<Reading> readings = new ArrayList<>();
        List<Process> idle = new ArrayList<>();
        List<String> top;
        List<ClassShare> watched = new ArrayList<>();
        int connections = 0;
        try {
            for (int i = 0; i < ADDED_AGENTS.length; i++) {
                int agents = ADDED_AGENTS[i];
                if (agents > 0) {
                    String label = brain.name + "-sockmem-" + i;
                    List<String> args = new ArrayList<>(LoadGen.args(wsUrl, adminKey,
                            setup.workDir().resolve(label + "-agents.json"), agents, WORKERS, "idle"));
                    args.addAll(List.of("--duration", "900s", "--rest-url", brain.httpUrl()));
                    Process p = loadgen.start(args, loadgen.logOf(label));
                    idle.add(p);
                    LoadGen.awaitConnections(p, loadgen.logOf(label), agents * WORKERS, Duration.ofSeconds(150));
                    connections += agents * WORKERS;
                }
                print(out, read(brain, connections, 0), readings);
            }
            // read() settles 10 s itself: the newest sockets have idled IDLE_SECONDS when it reads
            Thread.sleep((IDLE_SECONDS - 10) * 1000L);
            print(out, read(brain, connections, IDLE_SECONDS), readings);
            // GC.class_histogram forces a full GC itself, so it counts live objects only.
            List<String> rows = brain.jcmd("GC.class_histogram").lines()
                    .filter(l -> HISTO_ROW.matcher(l).matches()).toList();
            top = rows.stream().limit(TOP_CLASSES).map(String::strip).toList();
            for (String row : rows) {
                Matcher m = HISTO_ROW.matcher(row);
                if (m.matches() && WATCHED.contains(m.group(3))) {
                    watched.add(new ClassShare(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                }
            }
        } finally {
            idle.forEach(p -> Children.stop(p, 5));
        }
        return new Run(setup.brainJvmFlags(), readings, top, watched);
    }

    private static void print(PrintStream out, Reading r, List<Reading> readings) {
        readings.add(r);
        out.printf("  %5s sockets: RSS %7d KiB running, %7d KiB after GC; heap used %7d KiB of %7d KiB"
                        + " committed; kernel TCP buffers %d KiB, socket objects %d KiB (both ends)%n",
                r.label(), r.rssRunningKib(), r.rssKib(), r.heapUsedKib(), r.heapCommittedKib(),
                r.kernel().buffersKib(), r.kernel().slabKib());
    }

    private static Reading read(BrainNode brain, int connections, int idleSeconds) throws Exception {
        Thread.sleep(10_000); // handshakes' garbage and the first heartbeats are behind us
        long running = brain.rssKib();
        brain.fullGc();
        Matcher m = HEAP.matcher(brain.jcmd("GC.heap_info")); // at once: 10k heartbeats a minute make garbage
        if (!m.find()) {
            throw new IllegalStateException("cannot read heap use of " + brain.name);
        }
        // What the launcher's -XX:TrimNativeHeapInterval does within 10 s, done now: 3 s after the GC
        // fell before or after the periodic trim by chance (17.8, 22.5 and 24.1 KiB per socket in
        // three runs at about the same live heap).
        brain.jcmd("System.trim_native_heap");
        Thread.sleep(2000);
        return new Reading(connections, idleSeconds, running, brain.rssKib(), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(1)), KernelSockets.read());
    }
}
