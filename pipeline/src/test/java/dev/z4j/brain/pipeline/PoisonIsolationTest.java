package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad data is isolated down to the poison event; its neighbours are stored and every frame acked. */
class PoisonIsolationTest {

    @ParameterizedTest
    @EnumSource(FakeEventStore.PoisonMode.class)
    void poisonEventIsSkippedAndEveryFrameAckedWithRightCounts(FakeEventStore.PoisonMode mode) {
        FakeEventStore store = new FakeEventStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).meterRegistry(meters)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            RecordingAckTarget target = new RecordingAckTarget();
            List<List<EventRow>> frames = new ArrayList<>();
            for (int f = 0; f < 5; f++) {
                frames.add(Rows.rows(4));
            }
            EventRow poison = frames.get(4).get(2);
            store.poison(poison.id(), mode);

            publishAsOneBatch(pipeline, store, target, frames);
            await().atMost(Duration.ofSeconds(10)).until(() -> target.count() == 6);

            assertThat(store.calls()).as("the 5 frames were first tried as one write")
                    .anySatisfy(call -> assertThat(call).hasSize(20));
            assertThat(target.acks()).containsExactly(
                    new RecordingAckTarget.Ack("warm-up", 1, 1, 0),
                    new RecordingAckTarget.Ack("f0", 5, 4, 1),
                    new RecordingAckTarget.Ack("f1", 5, 4, 1),
                    new RecordingAckTarget.Ack("f2", 5, 4, 1),
                    new RecordingAckTarget.Ack("f3", 5, 4, 1),
                    new RecordingAckTarget.Ack("f4", 5, 3, 2));
            frames.stream().flatMap(List::stream).filter(r -> r != poison)
                    .forEach(r -> assertThat(store.isStored(r)).isTrue());
            assertThat(store.isStored(poison)).isFalse();
            assertThat(meters.get(PipelineMetrics.EVENTS_REJECTED).tag("reason", "poison").counter().count()).isEqualTo(1.0);
            assertThat(meters.get(PipelineMetrics.EVENTS_ACCEPTED).counter().count()).isEqualTo(1 + 19);

            pipeline.publish(target, "later", 2, Rows.rows(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 7);
            assertThat(target.acks().get(6)).isEqualTo(new RecordingAckTarget.Ack("later", 2, 2, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(FakeEventStore.PoisonMode.class)
    void transientFailureDuringIsolationIsRetriedNotTreatedAsBadData(FakeEventStore.PoisonMode mode) {
        FakeEventStore store = new FakeEventStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).meterRegistry(meters)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            RecordingAckTarget target = new RecordingAckTarget();
            List<List<EventRow>> frames = List.of(Rows.rows(3), Rows.rows(3));
            EventRow poison = frames.get(1).get(0);
            store.poison(poison.id(), mode);
            // The combined write holds poison, so these two failures hit frame f0 written alone.
            store.failTransientlyWhenWriting(frames.get(0).get(0).id(), 2);

            publishAsOneBatch(pipeline, store, target, frames);
            await().atMost(Duration.ofSeconds(10)).until(() -> target.count() == 3);

            assertThat(target.acks()).extracting(RecordingAckTarget.Ack::accepted).containsExactly(1, 3, 2);
            assertThat(meters.get(PipelineMetrics.STORE_RETRIES).counter().count()).isEqualTo(2.0);
            assertThat(store.calls()).as("f0 was never split into single events")
                    .noneSatisfy(call -> assertThat(call).hasSize(1).containsAnyElementsOf(frames.get(0)));
            assertThat(meters.get(PipelineMetrics.EVENTS_REJECTED).tag("reason", "poison").counter().count()).isEqualTo(1.0);
        }
    }

    /** Holds the store on a warm-up frame so that the given frames are gathered into one batch. */
    private static void publishAsOneBatch(IngestPipeline pipeline, FakeEventStore store, RecordingAckTarget target,
                                          List<List<EventRow>> frames) {
        store.closeGate();
        pipeline.publish(target, "warm-up", 1, Rows.rows(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.callsStarted() == 1);
        for (int f = 0; f < frames.size(); f++) {
            pipeline.publish(target, "f" + f, frames.get(f).size() + 1, frames.get(f));
        }
        store.openGate();
    }
}
