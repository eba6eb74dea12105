package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Several writers: they write at the same time, and each connection keeps its acks in publish order. */
class WritersTest {

    @Test
    void writersPersistInParallelEachWithItsOwnStore() {
        FakeEventStore shared = new FakeEventStore();
        AtomicInteger storesMade = new AtomicInteger();
        shared.closeGate(); // every write waits: how many are in the store at once shows the parallelism
        try (IngestPipeline pipeline = IngestPipeline.builder().writers(3)
                .eventStores(() -> {
                    storesMade.incrementAndGet();
                    return shared;
                }).build()) {
            assertThat(storesMade).as("one store per writer").hasValue(3);
            List<RecordingAckTarget> targets = List.of(new RecordingAckTarget(0), new RecordingAckTarget(1),
                    new RecordingAckTarget(2));
            for (RecordingAckTarget t : targets) {
                pipeline.publish(t, "first", 1, Rows.rows(1));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> shared.callsStarted() == 3);
            assertThat(targets).allMatch(t -> t.count() == 0);
            shared.openGate();
            await().atMost(Duration.ofSeconds(5)).until(() -> targets.stream().allMatch(t -> t.count() == 1));
        }
    }

    @Test
    void eachTargetsAcksKeepPublishOrderAndEveryRowIsStoredOnce() throws Exception {
        FakeEventStore store = new FakeEventStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        int targetsCount = 7;
        int framesEach = 400;
        IngestPipeline pipeline = IngestPipeline.builder().writers(3).eventStores(() -> store).ringSize(64)
                .maxBatchEvents(200).linger(Duration.ofMillis(5)).meterRegistry(meters).build();
        List<RecordingAckTarget> targets = new ArrayList<>();
        List<List<RecordingAckTarget.Ack>> expected = new ArrayList<>();
        Map<UUID, Boolean> published = new ConcurrentHashMap<>();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < targetsCount; p++) {
            RecordingAckTarget target = new RecordingAckTarget(p);
            List<RecordingAckTarget.Ack> acks = new ArrayList<>();
            targets.add(target);
            expected.add(acks);
            int producer = p;
            producers.add(Thread.ofVirtual().start(() -> {
                for (int f = 0; f < framesEach; f++) {
                    List<EventRow> rows = Rows.rows(1 + f % 4);
                    rows.forEach(r -> published.put(r.id(), true));
                    acks.add(new RecordingAckTarget.Ack("t" + producer + "-" + f, rows.size(), rows.size(), 0));
                    pipeline.publish(target, "t" + producer + "-" + f, rows.size(), rows);
                }
            }));
        }
        for (Thread producer : producers) {
            producer.join();
        }
        pipeline.close();

        for (int p = 0; p < targetsCount; p++) {
            assertThat(targets.get(p).acks()).as("acks of target %d", p).containsExactlyElementsOf(expected.get(p));
        }
        assertThat(store.successfulWriteCountsById().keySet()).isEqualTo(published.keySet());
        assertThat(store.successfulWriteCountsById().values()).allMatch(n -> n == 1);
        assertThat(pipeline.remainingCapacity()).as("the fullest ring, once drained").isEqualTo(64);
        assertThat(meters.get(PipelineMetrics.EVENTS_ACCEPTED).counter().count()).isEqualTo(published.size());
    }

    @Test
    void moreThanOneWriterNeedsAStorePerWriter() {
        FakeEventStore store = new FakeEventStore();
        assertThatThrownBy(() -> IngestPipeline.builder().writers(2).eventStore(store).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store per writer");
        assertThatThrownBy(() -> IngestPipeline.builder().writers(0).eventStores(() -> store).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writers must be 1..8");
    }
}
