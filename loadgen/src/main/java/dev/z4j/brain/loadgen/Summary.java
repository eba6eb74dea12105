package dev.z4j.brain.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The human-readable end-of-run summary. */
final class Summary {
    private Summary() {}

    static void print(RunResult r, PrintStream out) {
        Options o = r.options();
        double secs = Duration.between(r.startedAt(), r.loadEndedAt()).toMillis() / 1000.0;
        Map<String, Long> c = r.counters();
        out.println("==== summary: run " + r.runId() + " (" + o.mode().wire() + ", shape " + o.shape().wire() + ") ====");
        out.printf("connections: %d/%d opened, %d handshake failures, %d closed by the brain%n",
                c.get("connections_opened"), o.connections(), c.get("handshake_failures"), c.get("unexpected_closes"));
        out.printf("events: generated=%d sent=%d acked=%d unacked=%d queued=%d skipped=%d (%.0f ev/s sent over %.1fs)%n",
                c.get("events_generated"), c.get("events_sent"), c.get("events_acked"),
                c.get("events_unacked_at_end"), c.get("events_queued_at_end"), c.get("events_skipped"),
                c.get("events_sent") / secs, secs);
        out.printf("frames: sent=%d resent=%d acks=%d (duplicate %d) bytes=%d heartbeats=%d agent_status=%d%n",
                c.get("frames_sent"), c.get("frames_resent"), c.get("acks_received"), c.get("acks_duplicate"),
                c.get("bytes_sent"), c.get("heartbeats_sent"), c.get("agent_status_sent"));
        line(out, "ack latency", r.ackLatency());
        if (r.commandRtt().count() > 0 || o.mode() == Mode.ECHO) {
            out.printf("commands: received=%d answered=%d%n", c.get("commands_received"), c.get("commands_answered"));
            line(out, "command rtt", r.commandRtt());
        }
        if (o.mode() == Mode.RAMP) {
            out.println(r.saturatedAt() == null
                    ? "ramp: kept up at every step up to " + LoadGen.fmtRate(o.rampTo()) + " ev/s"
                    : "ramp: saturated at " + LoadGen.fmtRate(r.saturatedAt().targetRate()) + " ev/s ("
                            + r.saturatedAt().saturation() + ")");
        }
        if (!r.agentTable().isEmpty()) {
            agentTable(r.agentTable(), out);
        }
        out.printf("errors: verify=%d other=%d%n", c.get("verify_failures"), c.get("other_errors"));
        out.println("result: " + (r.ok() ? "OK" : "FAILED"));
    }

    /** Per simulated process: what it produced, what the brain's acks confirmed, what it still holds. */
    private static void agentTable(List<AsyncioAgentStats.Snapshot> agents, PrintStream out) {
        out.printf("%-28s %9s %9s %9s %10s %10s %9s %9s %8s%n", "agent (asyncio model)", "emitted", "confirmed",
                "buffered", "frames", "copies", "acks-read", "first-ack", "sessions");
        for (AsyncioAgentStats.Snapshot a : agents) {
            out.printf("%-28s %9d %9d %9d %10d %10d %9d %9s %8d%s%n", a.name(), a.emitted(), a.confirmed(),
                    a.buffered(), a.framesSent(), a.copies(), a.acksProcessed(),
                    a.firstAckMillis() < 0 ? "-" : a.firstAckMillis() + "ms", a.sessions(),
                    a.lastDisconnect() == null ? "" : "  (last end: " + a.lastDisconnect() + ")");
        }
        AgentTotals t = AgentTotals.of(agents);
        out.printf("%-28s %9d %9d %9d %10d %10d %9d %9s %8d%n", "total", t.emitted(), t.confirmed(), t.buffered(),
                t.framesSent(), t.copies(), t.acksProcessed(), "", t.sessions());
        out.printf("agents: write suspensions=%d (the only time a real agent reads its acks besides idle sleeps)%n",
                t.writeSuspensions());
    }

    private static void line(PrintStream out, String what, Percentiles p) {
        out.printf("%s (ms, n=%d): p50=%.1f p90=%.1f p99=%.1f p999=%.1f max=%.1f%n", what, p.count(), p.p50(),
                p.p90(), p.p99(), p.p999(), p.max());
    }
}
