package dev.z4j.brain.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.LongSupplier;

/** The pipeline's meters. The names are the /metrics contract: change them only with ops. */
public final class PipelineMetrics {
    public static final String BATCH_EVENTS = "z4j_pipeline_batch_events";
    public static final String COMMIT_SECONDS = "z4j_pipeline_commit_seconds";
    public static final String ACK_LATENCY_SECONDS = "z4j_pipeline_ack_latency_seconds";
    public static final String RING_REMAINING = "z4j_pipeline_ring_remaining";
    public static final String EVENTS_ACCEPTED = "z4j_events_accepted_total";
    public static final String EVENTS_DUPLICATE = "z4j_events_duplicate_total";
    public static final String EVENTS_REJECTED = "z4j_events_rejected_total";
    public static final String STORE_RETRIES = "z4j_pipeline_store_retries_total";
    public static final String REASON_POISON = "poison";

    final DistributionSummary batchEvents;
    final Timer commit;
    final Timer ackLatency;
    final Counter accepted;
    final Counter duplicate;
    final Counter poison;
    final Counter storeRetries;
    private final Gauge ringRemaining;
    private final MeterRegistry registry;

    // Largest frame an agent may send; a frame is never split, so a write can hold this many rows.
    private static final int MAX_FRAME_EVENTS = 5000;

    PipelineMetrics(MeterRegistry registry, LongSupplier ringRemaining, int maxBatchEvents) {
        this.registry = registry;
        this.batchEvents = DistributionSummary.builder(BATCH_EVENTS)
                .description("Rows per combined store write (smart batching: grows with load)")
                .baseUnit("events")
                .publishPercentileHistogram()
                // Bounded buckets keep the Prometheus histogram to a few dozen series.
                .minimumExpectedValue(1.0)
                .maximumExpectedValue((double) Math.max(maxBatchEvents, MAX_FRAME_EVENTS))
                .register(registry);
        this.commit = Timer.builder(COMMIT_SECONDS)
                .description("Duration of successful EventStore.write calls")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.ackLatency = Timer.builder(ACK_LATENCY_SECONDS)
                .description("From publish into the ring to the frame's ack")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.accepted = Counter.builder(EVENTS_ACCEPTED)
                .description("Events stored as new rows")
                .register(registry);
        this.duplicate = Counter.builder(EVENTS_DUPLICATE)
                .description("Events not inserted because already stored")
                .register(registry);
        this.poison = Counter.builder(EVENTS_REJECTED)
                .description("Events rejected; the pipeline counts reason=poison (store refused the event alone)")
                .tag("reason", REASON_POISON)
                .register(registry);
        this.storeRetries = Counter.builder(STORE_RETRIES)
                .description("EventStore.write calls retried after a transient failure")
                .register(registry);
        this.ringRemaining = Gauge.builder(RING_REMAINING, ringRemaining, s -> s.getAsLong())
                .description("Free slots in the fullest writer's ring; 0: its producers are blocked (back-pressure)")
                .strongReference(true)
                .register(registry);
    }

    /** Removes the ring gauge, which would otherwise keep reporting a stopped ring. */
    void unregisterGauge() {
        registry.remove(ringRemaining);
    }
}
