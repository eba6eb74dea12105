package dev.z4j.brain.loadgen;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Everything a finished run has to say; printed as the summary and written as the JSON report. */
record RunResult(
        String runId,
        Options options,
        Instant startedAt,
        Instant loadEndedAt,
        Instant finishedAt,
        Map<String, Long> counters,
        Percentiles ackLatency,
        Percentiles commandRtt,
        List<RampTracker.Step> rampSteps,
        RampTracker.Step saturatedAt,
        List<String> failures,
        List<String> errorSamples,
        /* per simulated process, for --shape asyncio-agent (empty otherwise) */
        List<AsyncioAgentStats.Snapshot> agentTable) {

    boolean ok() {
        return failures.isEmpty();
    }
}
