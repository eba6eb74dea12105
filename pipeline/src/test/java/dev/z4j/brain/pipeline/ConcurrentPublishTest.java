package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Many virtual-thread producers: every frame acked once, in order per target, every row stored once. */
class ConcurrentPublishTest {
    private static final int PRODUCERS = 8;
    private static final int FRAMES_PER_PRODUCER = 500;

    @Test
    void everyFrameIsAckedOnceInPublishOrderAndEveryRowStoredOnce() throws Exception {
        FakeEventStore store = new FakeEventStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Set<UUID> committedProjects = ConcurrentHashMap.newKeySet();
        IngestPipeline pipeline = IngestPipeline.builder()
                .eventStore(store)
                .ringSize(256)
                .maxBatchEvents(500)
                .linger(Duration.ofMillis(20))
                .meterRegistry(meters)
                .commitListener(m -> committedProjects.addAll(m.keySet()))
                .build();

        List<RecordingAckTarget> targets = new ArrayList<>();
        List<List<RecordingAckTarget.Ack>> expected = new ArrayList<>();
        Map<UUID, String> frameOfRow = new ConcurrentHashMap<>();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            RecordingAckTarget target = new RecordingAckTarget();
            List<RecordingAckTarget.Ack> expectedAcks = new ArrayList<>();
            targets.add(target);
            expected.add(expectedAcks);
            int producer = p;
            producers.add(Thread.ofVirtual().start(() -> {
                for (int f = 0; f < FRAMES_PER_PRODUCER; f++) {
                    String batchId = "p" + producer + "-f" + f;
                    int valid = ThreadLocalRandom.current().nextInt(0, 6);
                    int invalid = ThreadLocalRandom.current().nextInt(0, 2);
                    List<EventRow> rows = Rows.rows(valid);
                    rows.forEach(r -> frameOfRow.put(r.id(), batchId));
                    expectedAcks.add(new RecordingAckTarget.Ack(batchId, valid + invalid, valid, invalid));
                    pipeline.publish(target, batchId, valid + invalid, rows);
                }
            }));
        }
        for (Thread producer : producers) {
            producer.join();
        }
        int totalFrames = PRODUCERS * FRAMES_PER_PRODUCER;
        await().atMost(Duration.ofSeconds(20))
                .until(() -> targets.stream().mapToInt(RecordingAckTarget::count).sum() == totalFrames);

        for (int p = 0; p < PRODUCERS; p++) {
            assertThat(targets.get(p).acks()).as("acks of producer %d, in publish order", p)
                    .containsExactlyElementsOf(expected.get(p));
        }
        Map<UUID, Integer> writes = store.successfulWriteCountsById();
        assertThat(writes.keySet()).isEqualTo(frameOfRow.keySet());
        assertThat(writes.values()).allMatch(n -> n == 1);
        assertThat(store.storedCount()).isEqualTo(frameOfRow.size());

        boolean someWriteCombinedFrames = store.successfulWrites().stream()
                .anyMatch(write -> write.stream().map(r -> frameOfRow.get(r.id())).distinct().count() > 1);
        assertThat(someWriteCombinedFrames).as("smart batching combined frames into one write").isTrue();
        assertThat(store.successfulWrites()).allMatch(w -> w.size() <= 500);
        assertThat(committedProjects).containsExactly(Rows.PROJECT);

        assertThat(meters.get(PipelineMetrics.EVENTS_ACCEPTED).counter().count()).isEqualTo(frameOfRow.size());
        assertThat(meters.get(PipelineMetrics.ACK_LATENCY_SECONDS).timer().count()).isEqualTo(totalFrames);
        assertThat(meters.get(PipelineMetrics.BATCH_EVENTS).summary().totalAmount()).isEqualTo(frameOfRow.size());
        assertThat(meters.get(PipelineMetrics.COMMIT_SECONDS).timer().count()).isEqualTo(store.successfulWrites().size());
        assertThat(meters.get(PipelineMetrics.RING_REMAINING).gauge().value()).isEqualTo(256.0);
        assertThat(meters.get(PipelineMetrics.STORE_RETRIES).counter().count()).isZero();

        pipeline.close();
        assertThat(pipeline.isRunning()).isFalse();
    }

    @Test
    void framesWithoutValidEventsAreAckedInOrderWithoutTouchingTheStore() {
        FakeEventStore store = new FakeEventStore();
        store.down(true);
        try (IngestPipeline pipeline = IngestPipeline.builder().eventStore(store)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            RecordingAckTarget target = new RecordingAckTarget();
            pipeline.publish(target, "all-invalid", 3, List.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 1);
            assertThat(target.acks()).containsExactly(new RecordingAckTarget.Ack("all-invalid", 3, 0, 3));
            assertThat(store.callsStarted()).isZero();

            // Behind a frame that waits for the store, an empty frame waits its turn.
            pipeline.publish(target, "stuck", 2, Rows.rows(2));
            pipeline.publish(target, "empty", 1, List.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> store.callsStarted() >= 2);
            assertThat(target.count()).isEqualTo(1);
            store.down(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 3);
            assertThat(target.acks()).extracting(RecordingAckTarget.Ack::batchId)
                    .containsExactly("all-invalid", "stuck", "empty");
            assertThat(target.acks()).contains(new RecordingAckTarget.Ack("empty", 1, 0, 1));
        }
    }

    @Test
    void commitListenerHearsOnlyProjectsWithNewRows() {
        FakeEventStore store = new FakeEventStore();
        List<java.util.Map<UUID, Integer>> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        UUID other = UUID.randomUUID();
        try (IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).commitListener(notices::add).build()) {
            RecordingAckTarget target = new RecordingAckTarget();
            EventRow row = Rows.row(other, UUID.randomUUID());
            pipeline.publish(target, "a", 1, List.of(row));
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 1);
            pipeline.publish(target, "again", 1, List.of(row));
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 2);
        }
        assertThat(notices).containsExactly(java.util.Map.of(other, 1));
    }
}
