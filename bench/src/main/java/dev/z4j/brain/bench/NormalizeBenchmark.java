package dev.z4j.brain.bench;

import dev.z4j.brain.ingress.EventNormalizer;
import dev.z4j.brain.store.EventRow;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link EventNormalizer#normalize} of one parsed agent event: caps, kind, clamped time, the
 * content-derived uuid5 id (one SHA-1) and the JSON re-serialisation of data, args, kwargs and result.
 * ingress runs this once per event, so a 100-event batch costs 100 of these.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NormalizeBenchmark {
    private Map<String, Object> succeeded;
    private Map<String, Object> received;
    private Instant receivedAt;

    @Setup
    public void setup() {
        receivedAt = Instant.now();
        SplittableRandom random = new SplittableRandom(42);
        String taskId = new UUID(random.nextLong(), random.nextLong()).toString();
        // Times inside the normaliser's clamp, so the agent's time is kept as a real batch's would be.
        succeeded = CeleryEvents.parse(CeleryEvents.succeededJson(taskId, receivedAt.minusMillis(300), 4711));
        received = CeleryEvents.parse(CeleryEvents.receivedJson(taskId, "8a6e0804-2bd0-4672-b79d-d97027f9071a",
                receivedAt.minusMillis(900), 4711));
    }

    /** task.succeeded: runtime_ms plus a structured result serialised to resultJson. */
    @Benchmark
    public EventRow taskSucceeded() throws EventNormalizer.Rejected {
        return EventNormalizer.normalize(succeeded, CeleryEvents.PROJECT, CeleryEvents.AGENT, receivedAt);
    }

    /** task.received: args and kwargs serialised, priority and canvas references checked. */
    @Benchmark
    public EventRow taskReceived() throws EventNormalizer.Rejected {
        return EventNormalizer.normalize(received, CeleryEvents.PROJECT, CeleryEvents.AGENT, receivedAt);
    }
}
