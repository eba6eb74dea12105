package dev.z4j.brain.bench.capacity;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console table and docs/CAPACITY.md, both from one {@link Results}. */
final class Report {
    private Report() {}

    /**
     * "Written by `COMMAND` on DATE UTC (N s; CPU check ...)", the first words of every section the
     * tool writes: the CPU check says how fast the shared machine was, so sections compare.
     */
    static String writtenBy(String command, Instant started, Duration took) {
        return "Written by `" + command + "` on "
                + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(started.atOffset(ZoneOffset.UTC).withNano(0))
                + " UTC (" + took.toSeconds() + " s; " + Machine.cpuCheck() + ")";
    }

    /** Server settings as "name=value, ..." in name order. */
    static String settings(Map<String, String> settings) {
        return String.join(", ", settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    static String table(Results r) {
        StringBuilder t = new StringBuilder();
        row(t, "measure", "figure", "goal", "met");
        row(t, "---", "---", "---", "---");
        Spread raw = r.rawCopy();
        row(t, "raw ceiling: plain COPY into events", f0(raw.median()) + " rows/s (median of " + raw.n() + "; "
                + f0(raw.min()) + "-" + f0(raw.max()) + ", spread " + pct(raw.relative()) + ")", "", "");
        row(t, "raw: EventStore.write (probe+COPY+projections)", f0(r.rawMerge().rowsPerSecond()) + " rows/s",
                "", "");
        row(t, "raw: dedupe step only (diagnostic)", f0(r.rawStaging().rowsPerSecond()) + " rows/s", "", "");
        row(t, "end to end, batched shape (ack p99 < 1 s)", r.batched().figure(), "", "");
        row(t, "end to end, agent shape (ack p99 < 1 s)", r.agent().figure(), "", "");
        row(t, "ratio batched / raw COPY (median; over the raw spread)", ratio(r.batched(), raw), ">= 0.5",
                r.batched().found() ? yes(r.batchedRatio() >= 0.5) : "n/a (search failed)");
        row(t, "ratio agent / raw COPY", ratio(r.agent(), raw), "(for scale)", "");
        row(t, "Python brain, single-event / batched frames", Results.PYTHON_AGENT + " / " + Results.PYTHON_BATCHED,
                "reported in the issue", "");
        row(t, "memory per idle agent socket, connect storms", "section \"Agent sockets\" below", "", "");
        Latencies c = r.latency().commands();
        Latencies n = r.latency().notices();
        row(t, "command A(REST) -> agent on B", c.toString(), "p99 < 50 ms", yes(c.lost() == 0 && c.p99() < 50));
        row(t, "notice: batch on B -> dashboard on A", n.toString(), "p99 < 250 ms",
                yes(n.lost() == 0 && n.p99() < 250));
        LoadGen.Result bg = r.latency().background();
        row(t, "background ingest during latency probes", f0(bg.ackedPerSecond()) + " ev/s acked of "
                + f0(bg.targetRate()) + " (ack p99 " + f1(bg.ackP99()) + " ms)", "~half capacity", "");
        for (AsyncioCapacity.Search s : r.asyncio().all()) {
            String who = "asyncio-agent, " + s.agents() + (s.agents() == 1 ? " agent, " : " agents, ")
                    + (s.link().equals(AsyncioCapacity.LOOPBACK) ? "loopback" : "over a 1500-MTU link");
            row(t, who + ": every event acked, buffers bounded", asyncioFigure(s), "", "");
            row(t, who + ": the same and ack p99 < 1 s", latencyBarFigure(s), "p99 < 1 s",
                    s.latencyBarBest().isPresent() ? "yes" : "NO (reason below)");
        }
        if (r.asyncio().mtu1500().isEmpty()) {
            row(t, "asyncio-agent over a 1500-MTU link", r.asyncio().mtu1500Note(), "", "");
        }
        AsyncioCapacity.Baseline b = r.asyncio().brakeOff();
        row(t, "asyncio-agent, resend brake off (Z4J_WS_RESEND_BRAKE=off), " + AsyncioCapacity.BASELINE_AGENTS
                + " agents x " + f0(AsyncioCapacity.BASELINE_PER_AGENT) + " ev/s, " + f0(b.step().loadSeconds()) + " s",
                "stored " + b.stored() + " of " + b.step().emitted() + " emitted (" + pct(b.stored()
                        / (double) Math.max(1, b.step().emitted())) + "), " + b.step().confirmed()
                        + " acks read by the agents", "(the stall)", "");
        return t.toString();
    }

    /** The capacity figure of one asyncio-agent ladder, with what it cost at that rate. */
    static String asyncioFigure(AsyncioCapacity.Search s) {
        if (!s.ladder().found()) {
            return "none found: every step failed down to " + f0(s.ladder().lowestRateTried())
                    + " ev/s (tool failure, see the steps)";
        }
        AsyncioStep b = s.ladder().best().outcome();
        return f0(b.offered()) + " ev/s offered" + (s.ladder().ceilingNotReached() ? " (every step passed: at least)" : "")
                + "; at it ack p50 " + f0(b.ackP50()) + " ms, p99 " + f0(b.ackP99()) + " ms, "
                + f1(b.copiesPerEvent()) + " copies/event, " + b.holds() + " holds";
    }

    /** The bar as stated (acked, bounded, p99 < 1 s): the best rate meeting it, or that none did. */
    static String latencyBarFigure(AsyncioCapacity.Search s) {
        return s.latencyBarBest().map(b -> f0(b.offered()) + " ev/s offered (ack p99 " + f0(b.ackP99()) + " ms)")
                .orElseGet(() -> "not reached at any rate tried, down to " + f0(s.trickle().offered())
                        + " ev/s (ack p99 there " + f0(s.trickle().ackP99()) + " ms)");
    }

    /**
     * Why the p99 bar is out of reach, from what the run measured: an agent reads its acks only once
     * its kernel send buffer is full, and each such block confirms at most one pass.
     */
    static String latencyBarReason(AsyncioCapacity.Search s) {
        AsyncioStep x = s.ladder().found() ? s.ladder().best().outcome() : s.trickle();
        String buffer = x.socket().sampled()
                ? String.format(Locale.ROOT, "its kernel send buffer (%.2f MB here, mss %d)", x.socket().sendBufferBytes() / 1e6,
                        x.socket().mss())
                : "its kernel send buffer";
        double mbps = x.writeMegabytesPerSecondPerAgent();
        String fill = x.socket().sampled() && mbps > 0
                ? String.format(Locale.ROOT, " at the %.2f MB/s it writes, about %.1f s", mbps,
                        x.socket().sendBufferBytes() / 1e6 / mbps)
                : "";
        return "an agent reads its acks only when a write blocks, i.e. once " + buffer + " is full" + fill
                + ", and each such block confirms at most one 500-row pass (mean hold " + f2(x.meanHoldSeconds())
                + " s at " + f0(x.offered()) + " ev/s); so even at a trickle of " + f0(s.trickle().offered())
                + " ev/s ack p99 was " + f0(s.trickle().ackP99()) + " ms";
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
                .append(r.machine().loadAverage()).append(" (shared with other engineers' builds, noisy); 1-minute load after each phase: ")
                .append(String.join(", ", r.loadDuring())).append("; ").append(Machine.cpuCheck()).append("\n");
        m.append("- JDK: ").append(r.jdk()).append("\n");
        m.append("- PostgreSQL: ").append(r.postgres()).append(" (embedded, zonky), ").append(r.postgresSettings())
                .append("; one server for every phase\n");
        m.append("- Brain: `ops/target/z4j-brain.jar`, its own JVM, flags `").append(String.join(" ", r.brainJvmFlags()))
                .append("`, ingest settings ").append(ingestSettings()).append(", ")
                .append("`Z4J_REGISTRY_BACKEND=postgres_notify`\n");
        m.append("- Load generator: `loadgen/target/z4j-loadgen.jar`, its own JVM (`")
                .append(String.join(" ", LoadGen.JVM_FLAGS)).append("`), same machine, loopback")
                .append(r.asyncio().mtu1500().isEmpty() ? " only\n"
                        : " (and, in section 5, a veth link that never leaves this machine)\n");
        m.append("- All processes (PostgreSQL, brains, load generators, this harness) share the same ")
                .append(r.machine().cores()).append(" cores.\n\n");

        m.append("## Summary\n\n").append(table(r)).append('\n');
        List<String> failed = r.failedSearches();
        if (!failed.isEmpty()) {
            m.append("**Tool failure**: no step passed, down to each ladder's floor, in ").append(String.join(", ", failed))
                    .append(". That is not a figure of 0: the search did not find the limit (see the steps below).\n\n");
        }
        m.append("Issue 9's goal for agents that read acks only when a write blocks (asyncio-agent): the highest offered ")
                .append("rate at which every event is acked, buffers stay bounded and ack p99 < 1 s. **Met: ")
                .append(r.asyncio().all().stream().allMatch(x -> x.latencyBarBest().isPresent()) ? "yes" : "NO")
                .append("**");
        if (!r.asyncio().all().stream().allMatch(x -> x.latencyBarBest().isPresent())) {
            m.append(": ").append(latencyBarReason(r.asyncio().loopback().get(0))).append(" (section 5)");
        }
        m.append(".\n\n");

        m.append("## 1. Raw ceiling (no brain)\n\n");
        m.append(String.format(Locale.ROOT, "Synthetic Celery task events (received / started / succeeded, 5%% "
                + "failed with a traceback), mean payload %.0f bytes, %d rows per COPY + commit, about %d s per "
                + "path, into the partitioned `events` table after `migrate` (tables emptied before each run). The "
                + "plain COPY, the ceiling the ratio divides by, runs %d times: median %s rows/s, %s-%s (spread %s).%n%n",
                r.meanPayloadBytes(), RawCeiling.BATCH, Math.round(r.rawCopies().get(0).seconds()), r.rawCopies().size(),
                f0(r.rawCopy().median()), f0(r.rawCopy().min()), f0(r.rawCopy().max()), pct(r.rawCopy().relative())));
        m.append("| path | rows | seconds | rows/s |\n|---|---|---|---|\n");
        List<RawCeiling.Result> paths = new ArrayList<>(r.rawCopies());
        paths.add(r.rawMerge());
        paths.add(r.rawStaging());
        for (RawCeiling.Result x : paths) {
            m.append("| ").append(x.path()).append(" | ").append(x.rows()).append(" | ").append(f1(x.seconds()))
                    .append(" | ").append(f0(x.rowsPerSecond())).append(" |\n");
        }
        m.append(String.format(Locale.ROOT, "%nPer row, the brain's full path takes %.0f%% more time than the plain "
                + "COPY; its dedupe step alone (id probe + COPY of the new rows, the diagnostic row, same statements as PgEventStore) "
                + "takes %.0f%% more, so the task / worker / queue / agent projections account for the rest.%n%n",
                (r.rawCopy().median() / r.rawMerge().rowsPerSecond() - 1) * 100,
                (r.rawCopy().median() / r.rawStaging().rowsPerSecond() - 1) * 100));

        m.append("## 2. End to end (brain + loadgen)\n\n");
        m.append("Steady loadgen steps of ").append(EndToEnd.STEP.toSeconds()).append(" s (fresh loadgen process ")
                .append("per step, 10 s drain). ").append(LADDER_RULES).append(" Rate x").append(EndToEnd.GROWTH)
                .append(" per step, two bisection steps. A step keeps up when every event is acked, ack p99 < 1 s and ")
                .append("at least 90% of the target rate is acked. The figure is the acked rate of the best such step.\n\n");
        for (EndToEnd.Search s : List.of(r.batched(), r.agent())) {
            m.append("### shape `").append(s.shape().name()).append("`: ").append(s.shape().describe()).append("\n\n");
            m.append("| run | target ev/s | acked ev/s | frames resent | ack p50 ms | ack p99 ms | loadgen exit | kept up |\n");
            m.append("|---|---|---|---|---|---|---|---|\n");
            for (Ladder.Attempt<LoadGen.Result> a : s.ladder().attempts()) {
                LoadGen.Result x = a.outcome();
                m.append("| ").append(a.kind().label).append(" | ").append(f0(x.targetRate())).append(" | ")
                        .append(f0(x.ackedPerSecond())).append(" | ").append(x.framesResent()).append(" | ")
                        .append(f1(x.ackP50())).append(" | ").append(f1(x.ackP99())).append(" | ")
                        .append(x.exitCode()).append(" | ")
                        .append(a.counted() ? (x.sustained() ? "yes" : "no") : "(not counted)").append(" |\n");
            }
            m.append("\nSustained: **").append(s.figure()).append("**.\n\n");
        }

        m.append("## 3. Ratio\n\n");
        m.append("- batched end to end / raw COPY (median of ").append(r.rawCopy().n()).append(") = ")
                .append(r.batched().found() ? f0(r.batched().sustained()) : "(none found)").append(" / ")
                .append(f0(r.rawCopy().median())).append(" = **").append(ratio(r.batched(), r.rawCopy()))
                .append("** (goal >= 0.5); the raw ceiling's repetitions spread ").append(f0(r.rawCopy().min()))
                .append("-").append(f0(r.rawCopy().max())).append(" rows/s (").append(pct(r.rawCopy().relative()))
                .append(")\n");
        m.append("- agent-shaped end to end / raw COPY = ")
                .append(r.agent().found() ? f0(r.agent().sustained()) : "(none found)").append(" / ")
                .append(f0(r.rawCopy().median())).append(" = ").append(ratio(r.agent(), r.rawCopy())).append("\n");
        m.append("- Original Python brain on this same machine, reported in the issue (not measured here): ")
                .append(Results.PYTHON_AGENT).append(" with single-event frames, ").append(Results.PYTHON_BATCHED)
                .append(" with batched frames.\n\n");

        m.append("## 4. Cross-replica latency\n\n");
        m.append("Replicas A and B on the same PostgreSQL. A probe agent (own project `").append(ReplicaLatency.PROBE_PROJECT)
                .append("`) is connected to B; a `/ws/dashboard` subscriber of that project to A. Commands: ")
                .append(ReplicaLatency.COMMANDS).append(" sequential `POST /api/v1/projects/")
                .append(ReplicaLatency.PROBE_PROJECT).append("/commands` on A, from before the request until the ")
                .append("`command` frame's last byte reaches the agent on B. Notices: ").append(ReplicaLatency.BATCHES)
                .append(" sequential 2-event batches sent by the agent on B, until the `task.changed` notice reaches ")
                .append("the dashboard on A. Meanwhile a loadgen streams the batched shape into B at about half the ")
                .append("sustained batched rate.\n\n");
        m.append("- command: ").append(r.latency().commands()).append(" (goal p99 < 50 ms); of which the REST call on A: ")
                .append(r.latency().commandRest()).append("\n");
        m.append("- notice: ").append(r.latency().notices()).append(" (goal p99 < 250 ms)\n");
        LoadGen.Result bg = r.latency().background();
        m.append("- background: target ").append(f0(bg.targetRate())).append(" ev/s, acked ")
                .append(f0(bg.ackedPerSecond())).append(" ev/s, ack p99 ").append(f1(bg.ackP99()))
                .append(" ms, loadgen exit ").append(bg.exitCode()).append("\n\n");
        asyncioSection(m, r.asyncio());
        return m.toString();
    }

    /** How every ladder searches (issue 12: a first step missed by one sample must not read as 0). */
    static final String LADDER_RULES = "Every ladder starts with a warm-up step at its first rate that is not counted "
            + "(JIT, connection pools), runs each failed step once more before it counts (the retry's verdict is the "
            + "step's), searches downward (rate / growth, down to a floor) when its first step fails, and bisects "
            + "between the best pass and the nearest failure. If nothing passes down to the floor the report says so "
            + "and the tool exits 1; it never reports 0.";

    private static void asyncioSection(StringBuilder m, AsyncioCapacity.Run a) {
        m.append("## 5. Agents that read their acks only when a write blocks (`asyncio-agent`)\n\n");
        m.append("Real z4j-bare agents read their acks only when a socket write blocks, so the brain stops reading a ")
                .append("socket that re-sends long-acked batches until the agent's writes block (the resend brake, ")
                .append("docs/PROTOCOL.md section 8.1). loadgen's `--shape asyncio-agent` models such agents (loadgen/")
                .append("README.md): one process and socket per agent, default frame cost. A fresh brain (same flags ")
                .append("and database as above, brake on by default) per link. Kernel: ").append(a.kernelTcp())
                .append(".\n\n");
        m.append("Steps of ").append(AsyncioCapacity.LOAD.toSeconds()).append(" s of load (warm-up ")
                .append(AsyncioCapacity.WARMUP.toSeconds()).append(" s), fresh loadgen process each, then up to ")
                .append(AsyncioCapacity.SETTLE.toSeconds()).append(" s for the agents to empty their buffers. ")
                .append(LADDER_RULES).append(" First rate ").append(f0(AsyncioCapacity.FIRST_PER_AGENT))
                .append(" ev/s per agent, x").append(AsyncioCapacity.GROWTH).append(" per step, floor ")
                .append(f0(AsyncioCapacity.FLOOR_PER_AGENT)).append(" ev/s per agent, ")
                .append(AsyncioCapacity.REFINEMENTS).append(" bisections; then one step at a trickle (")
                .append(f0(AsyncioCapacity.TRICKLE_PER_AGENT)).append(" ev/s per agent) for the latency bar.\n\n");
        m.append("A step passes when **every event is acked** (every agent's buffer empty within the settle time, ")
                .append("nothing evicted, loadgen exit 0) and **buffers stay bounded** (the agents' summed backlog, ")
                .append("sampled each second from ").append(AsyncioCapacity.SKIP_SECONDS).append(" s into the load, ")
                .append("grows by at most ").append(pct(AsyncioStep.BOUND_SHARE)).append(" of the offered rate on a ")
                .append("least-squares line). The figure is the offered rate of the best passing step. Ack latency is ")
                .append("loadgen's: from an event's first send to the processing of its ack (time an event waits in ")
                .append("the agent's buffer before its first send is not in it). Copies: event frames written again ")
                .append("after their first send. Holds: `z4j_agent_read_holds_total` during the step (mean length from ")
                .append("`z4j_agent_read_held_seconds_total`). Send buffer: the largest `skmem tb` of the agents' ")
                .append("sockets (`ss -tmi`) mid-load.\n\n");
        for (AsyncioCapacity.Search s : a.loopback()) {
            asyncioLadder(m, s);
        }
        m.append("### Over a 1500-MTU link\n\n");
        if (a.mtu1500().isEmpty()) {
            m.append("Not measured: ").append(a.mtu1500Note()).append(".\n\n");
        } else {
            m.append("The same ladders with Ethernet's segment size: ").append(a.mtu1500Note()).append(". The pair and ")
                    .append("the namespace live only on this machine and are removed after the step; the namespace ")
                    .append("holds only `lo` and its end of the pair, no default route, and loadgen accepts that ")
                    .append("target only after checking so (`--veth-target`).\n\n");
            for (AsyncioCapacity.Search s : a.mtu1500()) {
                asyncioLadder(m, s);
            }
        }
        m.append("### Why ack p99 < 1 s is not met\n\n");
        for (AsyncioCapacity.Search s : a.all()) {
            if (s.latencyBarBest().isEmpty()) {
                m.append("- ").append(s.agents()).append(s.agents() == 1 ? " agent, " : " agents, ").append(s.link())
                        .append(": ").append(latencyBarReason(s)).append(".\n");
            }
        }
        m.append("\n### Baseline: the resend brake off\n\n");
        AsyncioCapacity.Baseline b = a.brakeOff();
        AsyncioStep x = b.step();
        m.append("A brain with `Z4J_WS_RESEND_BRAKE=off`, ").append(AsyncioCapacity.BASELINE_AGENTS)
                .append(" fresh agents x ").append(f0(AsyncioCapacity.BASELINE_PER_AGENT)).append(" ev/s for ")
                .append(f0(x.loadSeconds())).append(" s, ").append(f0(x.settleSeconds())).append(" s to settle: ")
                .append("emitted ").append(x.emitted()).append(", **stored ").append(b.stored()).append("** (")
                .append(pct(b.stored() / (double) Math.max(1, x.emitted()))).append(", counted in the database), acks ")
                .append("processed by the agents ").append(x.confirmed()).append(", still buffered ").append(x.buffered())
                .append(", ").append(f1(x.copiesPerEvent())).append(" copies per event emitted. The agents re-send ")
                .append("their oldest pass forever and never read an ack: the stall the brake exists for.\n");
    }

    private static void asyncioLadder(StringBuilder m, AsyncioCapacity.Search s) {
        m.append("#### ").append(s.agents()).append(s.agents() == 1 ? " agent, " : " agents, ").append(s.link())
                .append("\n\n");
        m.append("| run | offered ev/s | all acked (settle s) | backlog growth ev/s | peak backlog | ack p50 ms | ")
                .append("ack p99 ms | copies/event | holds (mean s) | agent send buffer | verdict |\n");
        m.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Ladder.Attempt<AsyncioStep> at : s.ladder().attempts()) {
            asyncioRow(m, at.kind().label, at.outcome(), at.counted());
        }
        asyncioRow(m, "trickle", s.trickle(), true);
        m.append("\n- Every event acked, buffers bounded: **").append(asyncioFigure(s)).append("**\n");
        m.append("- And ack p99 < 1 s (the bar as stated): **").append(latencyBarFigure(s)).append("**\n\n");
    }

    private static void asyncioRow(StringBuilder m, String run, AsyncioStep x, boolean counted) {
        m.append("| ").append(run).append(" | ").append(f0(x.offered())).append(" | ")
                .append(x.allAcked() ? "yes (" + f1(x.settleSeconds()) + ")" : "no, " + x.buffered() + " left").append(" | ")
                .append(f1(x.growth())).append(" | ").append(x.peakBacklog()).append(" | ").append(f0(x.ackP50()))
                .append(" | ").append(f0(x.ackP99())).append(" | ").append(f1(x.copiesPerEvent())).append(" | ")
                .append(x.holds()).append(" (").append(f2(x.meanHoldSeconds())).append(") | ")
                .append(x.socket().sampled() ? f2(x.socket().sendBufferBytes() / 1e6) + " MB, mss " + x.socket().mss()
                        : "not sampled").append(" | ")
                .append(!counted ? "(not counted)" : x.passed() ? "pass" : "fail: " + x.whyNot()).append(" |\n");
    }

    private static void row(StringBuilder t, String a, String b, String c, String d) {
        t.append("| ").append(a).append(" | ").append(b).append(" | ").append(c).append(" | ").append(d).append(" |\n");
    }

    private static String yes(boolean ok) {
        return ok ? "yes" : "NO";
    }

    /** A ratio against the median raw ceiling, with its range over the raw repetitions; never 0 for "none found". */
    static String ratio(EndToEnd.Search s, Spread raw) {
        if (!s.found()) {
            return "n/a (no passing step)";
        }
        double v = s.sustained();
        return f2(v / raw.median()) + " (" + f2(v / raw.max()) + "-" + f2(v / raw.min()) + ")";
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
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
        String linger = System.getenv().getOrDefault("Z4J_BATCH_LINGER_MS", "10 (default)");
        String writers = System.getenv().getOrDefault("Z4J_INGEST_WRITERS", "2 (default)");
        return "Z4J_INGEST_WRITERS=" + writers + ", Z4J_RING_SIZE=" + ring + ", Z4J_BATCH_MAX_EVENTS=" + batch
                + ", Z4J_BATCH_LINGER_MS=" + linger;
    }
}
