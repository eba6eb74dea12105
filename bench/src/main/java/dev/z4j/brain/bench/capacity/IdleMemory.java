package dev.z4j.brain.bench.capacity;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Brain memory per idle agent connection. One brain process for every step; connections are added
 * by extra loadgen processes in idle mode (50 workers per agent) and stay open until the end, so
 * each step measures the same JVM with more sockets. Before each reading: a settle, a full GC
 * (jcmd GC.run), and another settle.
 */
final class IdleMemory {
    static final int WORKERS = 50;
    /** Agents added per step: 0 -> 1000 -> 5000 -> 10000 connections. */
    private static final int[] ADDED_AGENTS = {0, 20, 80, 100};

    record Reading(int connections, long rssKib, long heapUsedKib) {}

    /** The readings, and the top of the live-object histogram at the last step (where the heap goes). */
    record Run(List<Reading> readings, List<String> topClasses) {}

    private static final int TOP_CLASSES = 15;

    private IdleMemory() {}

    static Run run(Children children, Setup setup, LoadGen loadgen, BrainNode brain, String adminKey,
                             PrintStream out) throws Exception {
        List<Reading> readings = new ArrayList<>();
        List<Process> idle = new ArrayList<>();
        List<String> top;
        int connections = 0;
        try {
            for (int i = 0; i < ADDED_AGENTS.length; i++) {
                int agents = ADDED_AGENTS[i];
                if (agents > 0) {
                    String label = "idle-" + i;
                    List<String> args = new ArrayList<>(LoadGen.args(brain.wsUrl(), adminKey,
                            setup.workDir().resolve(label + "-agents.json"), agents, WORKERS, "idle"));
                    args.addAll(List.of("--duration", "900s"));
                    Process p = loadgen.start(args, loadgen.logOf(label));
                    idle.add(p);
                    LoadGen.awaitConnections(p, loadgen.logOf(label), agents * WORKERS, Duration.ofSeconds(150));
                    connections += agents * WORKERS;
                }
                Reading r = read(brain, connections);
                readings.add(r);
                out.printf("  %5d idle connections: RSS %7d KiB, heap used %7d KiB%n", r.connections(), r.rssKib(),
                        r.heapUsedKib());
            }
            // GC.class_histogram forces a full GC itself, so it counts live objects only.
            top = brain.jcmd("GC.class_histogram").lines().filter(l -> l.matches("\\s*\\d+:\\s+\\d+\\s.*"))
                    .limit(TOP_CLASSES).map(String::strip).toList();
        } finally {
            idle.forEach(p -> Children.stop(p, 5));
        }
        return new Run(readings, top);
    }

    private static Reading read(BrainNode brain, int connections) throws Exception {
        Thread.sleep(5000); // handshakes' garbage and the first heartbeats are behind us
        brain.fullGc();
        Thread.sleep(3000);
        return new Reading(connections, brain.rssKib(), brain.heapUsedKib());
    }

    /** KiB per connection between two readings. */
    static double perConnection(Reading from, Reading to) {
        return (to.rssKib() - from.rssKib()) / (double) (to.connections() - from.connections());
    }
}
