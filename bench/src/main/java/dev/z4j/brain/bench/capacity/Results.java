package dev.z4j.brain.bench.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
        List<RawCeiling.Result> rawCopies,
        RawCeiling.Result rawMerge,
        RawCeiling.Result rawStaging,
        EndToEnd.Search batched,
        EndToEnd.Search agent,
        ReplicaLatency.Result latency,
        AsyncioCapacity.Run asyncio,
        List<String> loadDuring) {

    /** The figures for the original Python brain on this machine (not measured here). */
    static final String PYTHON_AGENT = "about 75 ev/s";
    static final String PYTHON_BATCHED = "180-290 ev/s";

    /** The raw ceiling over its repetitions (rows/s). */
    Spread rawCopy() {
        return Spread.of(rawCopies.stream().map(RawCeiling.Result::rowsPerSecond).toList());
    }

    /** Against the median raw ceiling; NaN when the batched search found no passing step. */
    double batchedRatio() {
        return batched.sustained() / rawCopy().median();
    }

    double agentRatio() {
        return agent.sustained() / rawCopy().median();
    }

    /** Ladders that found no passing step at all: a tool failure, named in the report and the exit status. */
    List<String> failedSearches() {
        List<String> failed = new ArrayList<>();
        for (EndToEnd.Search s : List.of(batched, agent)) {
            if (!s.found()) {
                failed.add("end to end, " + s.shape().name());
            }
        }
        for (AsyncioCapacity.Search s : asyncio.all()) {
            if (!s.ladder().found()) {
                failed.add("asyncio-agent, " + s.agents() + " agents, " + s.link());
            }
        }
        return failed;
    }
}
