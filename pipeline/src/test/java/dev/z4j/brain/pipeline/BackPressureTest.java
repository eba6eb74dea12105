package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A stalled store fills the ring and blocks producers; nothing is dropped or acked early. */
class BackPressureTest {
    private static final int RING = 16;
    private static final int PRODUCERS = 3;
    private static final int FRAMES_EACH = 20;

    @Test
    void fullRingBlocksPublishersUntilTheStoreComesBack() throws Exception {
        FakeEventStore store = new FakeEventStore();
        store.down(true);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        IngestPipeline pipeline = IngestPipeline.builder()
                .eventStore(store)
                .ringSize(RING)
                .meterRegistry(meters)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
                .build();

        RecordingAckTarget target = new RecordingAckTarget();
        AtomicInteger published = new AtomicInteger();
        Set<UUID> allRows = ConcurrentHashMap.newKeySet();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(Thread.ofVirtual().start(() -> {
                for (int f = 0; f < FRAMES_EACH; f++) {
                    List<EventRow> rows = Rows.rows(2);
                    rows.forEach(r -> allRows.add(r.id()));
                    pipeline.publish(target, "p" + producer + "-" + f, 2, rows);
                    published.incrementAndGet();
                }
            }));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.remainingCapacity() == 0
                && producers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        assertThat(producers).allMatch(Thread::isAlive);
        assertThat(published.get()).as("only a ring's worth got in").isEqualTo(RING);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get(PipelineMetrics.STORE_RETRIES).counter().count() >= 3);
        assertThat(target.count()).as("nothing is acked before commit").isZero();
        assertThat(meters.get(PipelineMetrics.RING_REMAINING).gauge().value()).isZero();

        store.down(false);
        for (Thread producer : producers) {
            producer.join(Duration.ofSeconds(10));
        }
        assertThat(producers).noneMatch(Thread::isAlive);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.count() == PRODUCERS * FRAMES_EACH);

        assertThat(target.acks()).allMatch(a -> a.received() == 2 && a.accepted() == 2 && a.rejected() == 0);
        assertThat(store.successfulWriteCountsById()).containsOnlyKeys(allRows).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(meters.get(PipelineMetrics.STORE_RETRIES).counter().count()).isPositive();
        pipeline.close();
    }
}
