package dev.z4j.brain.bench.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Everything one capacity run measured, plus what is needed to reproduce it. */
record Results(
        Instant startedAt,
        Duration elapsed,
        String command,
        Machine machine,
        String jdk,
        String postgres,
        String postgresSettings,
        List<String> brainJvmFlags,
        double meanPayloadBytes,
        RawCeiling.Result rawCopy,
        RawCeiling.Result rawMerge,
        RawCeiling.Result rawStaging,
        EndToEnd.Search batched,
        EndToEnd.Search agent,
        ReplicaLatency.Result latency,
        List<IdleMemory.Reading> idle,
        List<String> idleTopClasses,
        List<String> loadDuring) {

    /** The figures for the original Python brain on this machine (not measured here). */
    static final String PYTHON_AGENT = "about 75 ev/s";
    static final String PYTHON_BATCHED = "180-290 ev/s";

    double batchedRatio() {
        return batched.sustained() / rawCopy.rowsPerSecond();
    }

    double agentRatio() {
        return agent.sustained() / rawCopy.rowsPerSecond();
    }

    double kibPerConnection() {
        return IdleMemory.perConnection(idle.get(0), idle.get(idle.size() - 1));
    }
}
