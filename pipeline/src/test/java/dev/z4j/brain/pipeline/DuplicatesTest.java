package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows the store reports as already stored count as not accepted: rejected = received - accepted. */
class DuplicatesTest {

    @Test
    void resentEventsAreNotAccepted() {
        FakeEventStore store = new FakeEventStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).meterRegistry(meters).build()) {
            RecordingAckTarget target = new RecordingAckTarget();
            EventRow a = Rows.row();
            EventRow b = Rows.row();
            EventRow c = Rows.row();
            EventRow d = Rows.row();
            pipeline.publish(target, "first", 3, List.of(a, b, c));
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 1);
            // A resend after a lost ack, plus one new event and one the brain rejected as invalid.
            pipeline.publish(target, "resend", 4, List.of(a, b, d));
            // The same event twice within one frame: only the first can be inserted.
            pipeline.publish(target, "twice", 2, List.of(Rows.row(Rows.PROJECT, d.id()), Rows.row(Rows.PROJECT, d.id())));
            await().atMost(Duration.ofSeconds(5)).until(() -> target.count() == 3);

            assertThat(target.acks()).containsExactly(
                    new RecordingAckTarget.Ack("first", 3, 3, 0),
                    new RecordingAckTarget.Ack("resend", 4, 1, 3),
                    new RecordingAckTarget.Ack("twice", 2, 0, 2));
            assertThat(meters.get(PipelineMetrics.EVENTS_ACCEPTED).counter().count()).isEqualTo(4.0);
            assertThat(meters.get(PipelineMetrics.EVENTS_DUPLICATE).counter().count()).isEqualTo(4.0);
            assertThat(store.storedCount()).isEqualTo(4);
        }
    }
}
