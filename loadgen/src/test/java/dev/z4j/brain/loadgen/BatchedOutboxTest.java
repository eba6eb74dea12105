package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchedOutboxTest {
    private static final long MS = 1_000_000L;
    private static final long LINGER = 100 * MS;
    private static final long OVERDUE = 10_000 * MS;

    private static List<Map<String, Object>> events(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.of("id", "e" + i));
        }
        return out;
    }

    @Test
    void neverMoreThanWindowFramesUnacked() {
        int window = 3;
        BatchedOutbox box = new BatchedOutbox(new SplittableRandom(1), 10, window, 100_000, LINGER, OVERDUE);
        SplittableRandom rnd = new SplittableRandom(42);
        List<String> inFlight = new ArrayList<>();
        long sent = 0;
        for (int pass = 0; pass < 2000; pass++) {
            long now = pass * 50 * MS;
            box.add(events(rnd.nextInt(0, 40)), now);
            for (PendingBatch b : box.pass(now)) {
                assertThat(b.size()).isBetween(1, 10);
                if (b.isFirstSend()) {
                    inFlight.add(b.id);
                    sent += b.size();
                }
            }
            assertThat(box.inFlightFrames()).isLessThanOrEqualTo(window);
            assertThat(inFlight).hasSizeLessThanOrEqualTo(window);
            // the brain acks a random subset of what is in flight
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                if (rnd.nextInt(3) == 0) {
                    assertThat(box.ack(inFlight.remove(i))).isNotNull();
                }
            }
        }
        assertThat(sent).isGreaterThan(1000);
    }

    @Test
    void fullBatchesGoAtOnceAndAPartialOneAfterTheLinger() {
        BatchedOutbox box = new BatchedOutbox(new SplittableRandom(2), 100, 4, 10_000, LINGER, OVERDUE);
        box.add(events(250), 0);
        List<PendingBatch> now = box.pass(0);
        assertThat(now).extracting(PendingBatch::size).containsExactly(100, 100);
        assertThat(box.queuedEvents()).isEqualTo(50);
        assertThat(box.pass(LINGER - 1)).isEmpty();
        assertThat(box.pass(LINGER)).extracting(PendingBatch::size).containsExactly(50);
        assertThat(box.unackedEvents()).isEqualTo(250);
    }

    @Test
    void flushSendsAPartialBatchWithoutWaiting() {
        BatchedOutbox box = new BatchedOutbox(new SplittableRandom(3), 100, 4, 10_000, LINGER, OVERDUE);
        box.add(events(5), 0);
        box.flush();
        assertThat(box.pass(1)).extracting(PendingBatch::size).containsExactly(5);
    }

    @Test
    void resendsOnlyWhenTheAckIsOverdue() {
        BatchedOutbox box = new BatchedOutbox(new SplittableRandom(4), 2, 2, 10_000, LINGER, OVERDUE);
        box.add(events(4), 0);
        List<PendingBatch> first = box.pass(0);
        assertThat(first).hasSize(2);
        box.ack(first.get(1).id);
        assertThat(box.pass(OVERDUE - 1)).extracting(b -> b.id).doesNotContain(first.get(0).id);
        List<PendingBatch> later = box.pass(OVERDUE);
        assertThat(later).extracting(b -> b.id).contains(first.get(0).id).doesNotContain(first.get(1).id);
        assertThat(later.get(0).isFirstSend()).isFalse();
        assertThat(box.inFlightFrames()).isLessThanOrEqualTo(2);
    }

    @Test
    void ackSettlesEveryEventOfTheFrameOnce() {
        BatchedOutbox box = new BatchedOutbox(new SplittableRandom(5), 10, 1, 10_000, LINGER, OVERDUE);
        box.add(events(10), 0);
        String id = box.pass(0).get(0).id;
        assertThat(box.ack(id).size()).isEqualTo(10);
        assertThat(box.ack(id)).isNull();
        assertThat(box.unackedEvents()).isZero();
    }
}
