package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** close() drains everything already published; halt() stops at once and acks nothing more. */
class LifecycleTest {

    @Test
    void closeDrainsEveryPublishedFrameThenRefusesPublishes() throws Exception {
        FakeEventStore store = new FakeEventStore();
        IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).ringSize(2048).maxBatchEvents(300).build();
        RecordingAckTarget target = new RecordingAckTarget();
        List<EventRow> all = new ArrayList<>();

        store.closeGate(); // the first write waits, so ~all frames are still unpersisted when close starts
        for (int f = 0; f < 1000; f++) {
            List<EventRow> rows = Rows.rows(1 + f % 3);
            all.addAll(rows);
            pipeline.publish(target, "f" + f, rows.size(), rows);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> store.callsStarted() == 1);
        Thread closer = Thread.ofVirtual().start(pipeline::close);
        await().atMost(Duration.ofSeconds(5)).until(() -> !pipeline.isRunning());
        assertThatThrownBy(() -> pipeline.publish(target, "late", 1, Rows.rows(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(closer.isAlive()).as("close waits for the drain").isTrue();
        assertThat(target.count()).isZero();

        store.openGate();
        closer.join(Duration.ofSeconds(20));
        assertThat(closer.isAlive()).isFalse();

        assertThat(target.count()).isEqualTo(1000);
        assertThat(target.acks()).extracting(RecordingAckTarget.Ack::batchId).first().isEqualTo("f0");
        assertThat(target.acks()).extracting(RecordingAckTarget.Ack::batchId).last().isEqualTo("f999");
        assertThat(store.storedCount()).isEqualTo(all.size());
        all.forEach(r -> assertThat(store.isStored(r)).isTrue());
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void haltStopsWithoutPersistingOrAckingTheRest() throws Exception {
        FakeEventStore store = new FakeEventStore();
        IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).ringSize(8).build();
        RecordingAckTarget target = new RecordingAckTarget();

        store.closeGate();
        pipeline.publish(target, "in-flight", 1, Rows.rows(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.callsStarted() == 1);
        for (int f = 0; f < 7; f++) {
            pipeline.publish(target, "queued-" + f, 1, Rows.rows(1));
        }
        AtomicReference<Throwable> blockedPublisherFailure = new AtomicReference<>();
        Thread blocked = Thread.ofVirtual().start(() -> {
            try {
                pipeline.publish(target, "blocked", 1, Rows.rows(1));
            } catch (Throwable t) {
                blockedPublisherFailure.set(t);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> blocked.getState() == Thread.State.WAITING);

        pipeline.halt();
        blocked.join(Duration.ofSeconds(5));
        assertThat(blockedPublisherFailure.get()).isInstanceOf(IllegalStateException.class);
        store.openGate(); // the write in progress completes, but its frame must not be acked
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(5))).isTrue();

        assertThat(target.count()).isZero();
        assertThat(store.callsStarted()).as("nothing queued was persisted").isEqualTo(1);
        assertThat(pipeline.isRunning()).isFalse();
        assertThatThrownBy(() -> pipeline.publish(target, "after-halt", 1, Rows.rows(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void boundedCloseHaltsWhenTheStoreStaysDown() throws Exception {
        FakeEventStore store = new FakeEventStore();
        store.down(true);
        IngestPipeline pipeline = IngestPipeline.builder().eventStore(store)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(10)).build();
        RecordingAckTarget target = new RecordingAckTarget();
        pipeline.publish(target, "never", 1, Rows.rows(1));

        assertThat(pipeline.close(Duration.ofMillis(200))).isFalse();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(target.count()).isZero();
    }

    @Test
    void closeOfAnIdlePipelineReturnsAndAcksStayComplete() {
        FakeEventStore store = new FakeEventStore();
        IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).build();
        RecordingAckTarget target = new RecordingAckTarget();
        pipeline.publish(target, "only", 2, Rows.rows(2));
        assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
        assertThat(target.acks()).containsExactly(new RecordingAckTarget.Ack("only", 2, 2, 0));
    }

    @Test
    void anErrorThatKillsThePersisterFailsPublishersInsteadOfBlockingThem() throws Exception {
        FakeEventStore store = new FakeEventStore();
        store.breakWithError();
        IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).ringSize(2).build();
        RecordingAckTarget target = new RecordingAckTarget();
        pipeline.publish(target, "fatal", 1, Rows.rows(1));
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(pipeline.isRunning()).isFalse();
        assertThatThrownBy(() -> pipeline.publish(target, "next", 1, Rows.rows(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(target.count()).isZero();
    }
}
