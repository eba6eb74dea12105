package dev.z4j.brain.bench.capacity;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The console table and docs/CAPACITY.md, both from one {@link Results}. */
final class Report {
    private Report() {}

    static String table(Results r) {
        StringBuilder t = new StringBuilder();
        row(t, "measure", "figure", "goal", "met");
        row(t, "---", "---", "---", "---");
        row(t, "raw ceiling: plain COPY into events", f0(r.rawCopy().rowsPerSecond()) + " rows/s", "", "");
        row(t, "raw: EventStore.write (staging+merge+projections)", f0(r.rawMerge().rowsPerSecond()) + " rows/s",
                "", "");
        row(t, "raw: staging + merge only (diagnostic)", f0(r.rawStaging().rowsPerSecond()) + " rows/s", "", "");
        row(t, "end to end, batched shape (ack p99 < 1 s)", f0(r.batched().sustained()) + " ev/s", "", "");
        row(t, "end to end, agent shape (ack p99 < 1 s)", f0(r.agent().sustained()) + " ev/s", "", "");
        row(t, "ratio batched / raw COPY", f2(r.batchedRatio()), ">= 0.5", yes(r.batchedRatio() >= 0.5));
        row(t, "ratio agent / raw COPY", f2(r.agentRatio()), "(for scale)", "");
        row(t, "Python brain, single-event / batched frames", Results.PYTHON_AGENT + " / " + Results.PYTHON_BATCHED,
                "reported in the issue", "");
        for (IdleMemory.Reading i : r.idle()) {
            row(t, "brain RSS, " + i.connections() + " idle connections",
                    i.rssKib() + " KiB (heap used " + i.heapUsedKib() + " KiB)", "", "");
        }
        row(t, "KiB per idle connection (0 -> " + r.idle().get(r.idle().size() - 1).connections() + ")",
                f1(r.kibPerConnection()), "<= 8", yes(r.kibPerConnection() <= 8));
        Latencies c = r.latency().commands();
        Latencies n = r.latency().notices();
        row(t, "command A(REST) -> agent on B", c.toString(), "p99 < 50 ms", yes(c.lost() == 0 && c.p99() < 50));
        row(t, "notice: batch on B -> dashboard on A", n.toString(), "p99 < 250 ms",
                yes(n.lost() == 0 && n.p99() < 250));
        LoadGen.Result bg = r.latency().background();
        row(t, "background ingest during latency probes", f0(bg.ackedPerSecond()) + " ev/s acked of "
                + f0(bg.targetRate()) + " (ack p99 " + f1(bg.ackP99()) + " ms)", "~half capacity", "");
        return t.toString();
    }

    static String markdown(Results r) {
        StringBuilder m = new StringBuilder();
        m.append("# Capacity of the z4j brain (Java)\n\n");
        m.append("Written by `bench/capacity.sh`; every figure below comes from the run described here. ")
                .append("Re-run the command to refresh it (it takes about ")
                .append(Math.round(r.elapsed().toSeconds() / 60.0)).append(" minutes).\n\n");
        m.append("- Command: `").append(r.command()).append("`\n");
        m.append("- Date: ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                r.startedAt().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC (machine clock), run took ")
                .append(r.elapsed().toSeconds()).append(" s\n");
        m.append("- Machine: ").append(r.machine().describe()).append("; load average at start ")
                .append(r.machine().loadAverage()).append(" (shared, noisy); 1-minute load after each phase: ")
                .append(String.join(", ", r.loadDuring())).append("\n");
        m.append("- JDK: ").append(r.jdk()).append("\n");
        m.append("- PostgreSQL: ").append(r.postgres()).append(" (embedded, zonky), ").append(r.postgresSettings())
                .append("; one server for every phase\n");
        m.append("- Brain: `ops/target/z4j-brain.jar`, its own JVM, flags `").append(String.join(" ", r.brainJvmFlags()))
                .append("`, ingest settings ").append(ingestSettings()).append(", ")
                .append("`Z4J_REGISTRY_BACKEND=postgres_notify`\n");
        m.append("- Load generator: `loadgen/target/z4j-loadgen.jar`, its own JVM (`")
                .append(String.join(" ", LoadGen.JVM_FLAGS)).append("`), same machine, loopback only\n");
        m.append("- All processes (PostgreSQL, brains, load generators, this harness) share the same ")
                .append(r.machine().cores()).append(" cores.\n\n");

        m.append("## Summary\n\n").append(table(r)).append('\n');

        m.append("## 1. Raw ceiling (no brain)\n\n");
        m.append(String.format(Locale.ROOT, "Synthetic Celery task events (received / started / succeeded, 5%% "
                + "failed with a traceback), mean payload %.0f bytes, %d rows per COPY + commit, about %d s per "
                + "path, into the partitioned `events` table after `migrate` (tables emptied before each path).%n%n",
                r.meanPayloadBytes(), RawCeiling.BATCH, Math.round(r.rawCopy().seconds())));
        m.append("| path | rows | seconds | rows/s |\n|---|---|---|---|\n");
        for (RawCeiling.Result x : List.of(r.rawCopy(), r.rawMerge(), r.rawStaging())) {
            m.append("| ").append(x.path()).append(" | ").append(x.rows()).append(" | ").append(f1(x.seconds()))
                    .append(" | ").append(f0(x.rowsPerSecond())).append(" |\n");
        }
        m.append(String.format(Locale.ROOT, "%nPer row, the brain's full path takes %.0f%% more time than the plain "
                + "COPY; its dedupe step alone (staging + merge, the diagnostic row, same SQL as PgEventStore) "
                + "takes %.0f%% more, so the task / worker / queue / agent projections account for the rest.%n%n",
                (r.rawCopy().rowsPerSecond() / r.rawMerge().rowsPerSecond() - 1) * 100,
                (r.rawCopy().rowsPerSecond() / r.rawStaging().rowsPerSecond() - 1) * 100));

        m.append("## 2. End to end (brain + loadgen)\n\n");
        m.append("Steady loadgen steps of ").append(EndToEnd.STEP.toSeconds()).append(" s (fresh loadgen process ")
                .append("per step, 10 s drain), rate x").append(EndToEnd.GROWTH).append(" per step until one fails, ")
                .append("then two bisection steps between the last pass and the first failure. A step keeps up when every event is acked, ack p99 < 1 s and at ")
                .append("least 90% of the target rate is acked. The figure is the acked rate of the best such step.\n\n");
        for (EndToEnd.Search s : List.of(r.batched(), r.agent())) {
            m.append("### shape `").append(s.shape().name()).append("`: ").append(s.shape().describe()).append("\n\n");
            m.append("| target ev/s | acked ev/s | frames resent | ack p50 ms | ack p99 ms | loadgen exit | kept up |\n");
            m.append("|---|---|---|---|---|---|---|\n");
            for (LoadGen.Result x : s.steps()) {
                m.append("| ").append(f0(x.targetRate())).append(" | ").append(f0(x.ackedPerSecond())).append(" | ")
                        .append(x.framesResent()).append(" | ").append(f1(x.ackP50())).append(" | ")
                        .append(f1(x.ackP99())).append(" | ").append(x.exitCode()).append(" | ")
                        .append(x.sustained() ? "yes" : "no").append(" |\n");
            }
            m.append("\nSustained: **").append(f0(s.sustained())).append(" ev/s**.\n\n");
        }

        m.append("## 3. Ratio\n\n");
        m.append(String.format(Locale.ROOT, "- batched end to end / raw COPY = %s / %s = **%.2f** (goal >= 0.5)%n",
                f0(r.batched().sustained()), f0(r.rawCopy().rowsPerSecond()), r.batchedRatio()));
        m.append(String.format(Locale.ROOT, "- agent-shaped end to end / raw COPY = %s / %s = %.2f%n",
                f0(r.agent().sustained()), f0(r.rawCopy().rowsPerSecond()), r.agentRatio()));
        m.append("- Original Python brain on this same machine, reported in the issue (not measured here): ")
                .append(Results.PYTHON_AGENT).append(" with single-event frames, ").append(Results.PYTHON_BATCHED)
                .append(" with batched frames.\n\n");

        m.append("## 4. Idle memory\n\n");
        m.append("One fresh brain process for all steps (same flags); idle connections added by extra loadgen ")
                .append("processes (`--mode idle`, ").append(IdleMemory.WORKERS).append(" workers per agent) and kept ")
                .append("open. Each reading: 5 s settle, `jcmd PID GC.run`, 3 s settle, VmRSS from ")
                .append("/proc/PID/status, heap used from `jcmd PID GC.heap_info`.\n\n");
        m.append("| idle connections | RSS KiB | heap used KiB | KiB/connection vs 0 |\n|---|---|---|---|\n");
        IdleMemory.Reading zero = r.idle().get(0);
        for (IdleMemory.Reading i : r.idle()) {
            m.append("| ").append(i.connections()).append(" | ").append(i.rssKib()).append(" | ")
                    .append(i.heapUsedKib()).append(" | ")
                    .append(i.connections() == 0 ? "" : f1(IdleMemory.perConnection(zero, i))).append(" |\n");
        }
        IdleMemory.Reading last = r.idle().get(r.idle().size() - 1);
        m.append(String.format(Locale.ROOT, "%nHeap per connection (0 -> %d): %.1f KiB of the %.1f KiB RSS.%n%n",
                last.connections(), (last.heapUsedKib() - zero.heapUsedKib()) / (double) last.connections(),
                r.kibPerConnection()));
        m.append("Largest live classes at ").append(last.connections())
                .append(" connections (`jcmd PID GC.class_histogram`: rank, instances, bytes, class):\n\n```\n");
        r.idleTopClasses().forEach(l -> m.append(l).append('\n'));
        m.append("```\n\n");

        m.append("## 5. Cross-replica latency\n\n");
        m.append("Replicas A and B on the same PostgreSQL. A probe agent (own project `").append(ReplicaLatency.PROBE_PROJECT)
                .append("`) is connected to B; a `/ws/dashboard` subscriber of that project to A. Commands: ")
                .append(ReplicaLatency.COMMANDS).append(" sequential `POST /api/v1/projects/")
                .append(ReplicaLatency.PROBE_PROJECT).append("/commands` on A, from before the request until the ")
                .append("`command` frame's last byte reaches the agent on B. Notices: ").append(ReplicaLatency.BATCHES)
                .append(" sequential 2-event batches sent by the agent on B, until the `task.changed` notice reaches ")
                .append("the dashboard on A. Meanwhile a loadgen streams the batched shape into B at about half the ")
                .append("sustained batched rate.\n\n");
        m.append("- command: ").append(r.latency().commands()).append(" (goal p99 < 50 ms)\n");
        m.append("- notice: ").append(r.latency().notices()).append(" (goal p99 < 250 ms)\n");
        LoadGen.Result bg = r.latency().background();
        m.append("- background: target ").append(f0(bg.targetRate())).append(" ev/s, acked ")
                .append(f0(bg.ackedPerSecond())).append(" ev/s, ack p99 ").append(f1(bg.ackP99()))
                .append(" ms, loadgen exit ").append(bg.exitCode()).append("\n");
        return m.toString();
    }

    private static void row(StringBuilder t, String a, String b, String c, String d) {
        t.append("| ").append(a).append(" | ").append(b).append(" | ").append(c).append(" | ").append(d).append(" |\n");
    }

    private static String yes(boolean ok) {
        return ok ? "yes" : "NO";
    }

    static String f0(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }

    static String f1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String f2(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    /** The Z4J_* ingest settings the brain processes inherit from this run's environment (or their defaults). */
    static String ingestSettings() {
        String ring = System.getenv().getOrDefault("Z4J_RING_SIZE", "8192 (default)");
        String batch = System.getenv().getOrDefault("Z4J_BATCH_MAX_EVENTS", "2000 (default)");
        String linger = System.getenv().getOrDefault("Z4J_BATCH_LINGER_MS", "2 (default)");
        return "Z4J_RING_SIZE=" + ring + ", Z4J_BATCH_MAX_EVENTS=" + batch + ", Z4J_BATCH_LINGER_MS=" + linger;
    }
}
