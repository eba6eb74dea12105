package dev.z4j.brain.bench;

import dev.z4j.brain.pipeline.AckTarget;
import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frames per second through a real {@link IngestPipeline} (production defaults: 8192 slots,
 * 2000-row writes, 2 ms linger) whose store does nothing, so what is left is the hand-off itself:
 * claim and publish on the Disruptor ring, gather on the persister thread, one store call per
 * gathered batch, ack each frame, release the slots.
 *
 * <p>The score counts publishes. A producer blocks while the ring is full, so after the first
 * warmup iteration publishes can only run ahead of acks by the ring's 8192 slots, which are full
 * at both ends of every iteration: publish rate equals ack rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RingHandoffBenchmark {
    static final int EVENTS_PER_FRAME = 100;

    private final LongAdder published = new LongAdder();
    private final LongAdder acked = new LongAdder();
    // Counting only: no clock reads in the ack path (ack latency is not what this measures).
    private final AckTarget target = (batchId, received, accepted, rejected) -> acked.increment();
    private IngestPipeline pipeline;
    private List<EventRow> frame;

    /** Reports every row as new, as a store that accepted the whole batch would. */
    static final class NoOpEventStore implements EventStore {
        @Override
        public boolean[] write(List<EventRow> events) {
            boolean[] inserted = new boolean[events.size()];
            Arrays.fill(inserted, true);
            return inserted;
        }
    }

    @Setup
    public void setup() {
        // The pipeline never modifies a published list, so every frame can share one.
        frame = List.copyOf(CeleryEvents.rows(EVENTS_PER_FRAME, new SplittableRandom(3), Instant.now(),
                CeleryEvents.PROJECT, CeleryEvents.AGENT));
        pipeline = IngestPipeline.builder().eventStore(new NoOpEventStore()).build();
    }

    @TearDown
    public void tearDown() {
        // A hand-off that lost or never acked frames would make the score meaningless: refuse it.
        if (!pipeline.close(Duration.ofSeconds(30))) {
            throw new IllegalStateException("pipeline did not drain within 30 s");
        }
        if (acked.sum() != published.sum()) {
            throw new IllegalStateException("acked " + acked.sum() + " of " + published.sum() + " frames");
        }
    }

    @Benchmark
    @Threads(1)
    public void oneProducer() {
        publish();
    }

    /** Four connections on two cores: producers contend for slots with each other and the persister. */
    @Benchmark
    @Threads(4)
    public void fourProducers() {
        publish();
    }

    private void publish() {
        pipeline.publish(target, "batch", EVENTS_PER_FRAME, frame);
        published.increment();
    }
}
