package dev.z4j.brain.bench.capacity;

import java.util.Locale;

/**
 * One loadgen run of the {@code asyncio-agent} shape (models of real z4j-bare agents, which read
 * their acks only when a socket write blocks) and its verdicts.
 *
 * @param offered        events/s the agents' Celery workers produced (all agents together)
 * @param settleSeconds  from the end of the load until every buffer was empty (or the settle bound ran out)
 * @param emitted        event rows the agents produced
 * @param confirmed      event rows the agents deleted after processing their ack
 * @param buffered       event rows still buffered when loadgen stopped (0 = everything acked)
 * @param evicted        event rows dropped by a full agent buffer
 * @param copies         event frames written again after their first send
 * @param bytesSent      bytes the agents wrote, load and settle
 * @param ackP50         ms from an event's first send to its ack being processed (loadgen's ack latency)
 * @param growth         least-squares slope of the summed backlog during the load (rows/s), see {@link Backlog}
 * @param holds          times the brain stopped reading an agent socket (z4j_agent_read_holds_total)
 * @param heldSeconds    seconds those holds lasted in total (z4j_agent_read_held_seconds_total)
 */
record AsyncioStep(String label, double offered, int agents, int exitCode, double loadSeconds, double settleSeconds,
                   long emitted, long confirmed, long buffered, long evicted, long copies, long bytesSent,
                   double ackP50, double ackP99, double growth, long peakBacklog, long holds, double heldSeconds,
                   SocketSample socket, String failures) implements Ladder.Outcome {

    /** The backlog may grow by at most this share of the offered rate (the agents drain >= 90% of it). */
    static final double BOUND_SHARE = 0.10;
    static final double LATENCY_BAR_MS = 1000;

    /** Every emitted event acked within the settle bound: nothing buffered, nothing evicted, no failure. */
    boolean allAcked() {
        return exitCode == 0 && emitted > 0 && buffered == 0 && evicted == 0 && confirmed == emitted;
    }

    /** The backlog did not grow by more than {@link #BOUND_SHARE} of the offered rate during the load. */
    boolean bounded() {
        return !Double.isNaN(growth) && growth <= BOUND_SHARE * offered;
    }

    /** The capacity step's verdict: every event acked and buffers bounded. */
    @Override
    public boolean passed() {
        return allAcked() && bounded();
    }

    /** Issue 9's bar as stated: passed and ack p99 under 1 s. */
    boolean meetsLatencyBar() {
        return passed() && ackP99 < LATENCY_BAR_MS;
    }

    double copiesPerEvent() {
        return emitted == 0 ? 0 : copies / (double) emitted;
    }

    double meanHoldSeconds() {
        return holds == 0 ? 0 : heldSeconds / holds;
    }

    /** What one agent wrote per second, copies included (MB/s). */
    double writeMegabytesPerSecondPerAgent() {
        double secs = loadSeconds + settleSeconds;
        return secs <= 0 || agents == 0 ? 0 : bytesSent / secs / agents / 1e6;
    }

    /** Why the step failed, in a few words (empty when it passed). */
    String whyNot() {
        StringBuilder b = new StringBuilder();
        if (!allAcked()) {
            b.append(buffered > 0 ? buffered + " events not acked after settling" : "not all acked");
            if (evicted > 0) {
                b.append(", ").append(evicted).append(" evicted");
            }
            if (!failures.isEmpty()) {
                b.append(" (").append(failures).append(")");
            }
        }
        if (!bounded()) {
            b.append(b.isEmpty() ? "" : "; ").append(Double.isNaN(growth) ? "backlog not sampled"
                    : String.format(Locale.ROOT, "backlog grew %.1f ev/s (> %.0f%% of offered)",
                            growth, BOUND_SHARE * 100));
        }
        return b.toString();
    }
}
