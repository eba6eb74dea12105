package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchTrackerTest {
    private static final long S = 1_000_000_000L;
    private final BatchTracker tracker = new BatchTracker();

    @Test
    void aBatchIsNewThenInFlightThenCommitted() {
        assertThat(tracker.arrive("b1", 5)).isNull();
        BatchTracker.Batch inFlight = tracker.known("b1");
        assertThat(inFlight.counts()).isNull();
        assertThat(inFlight.ackNanos()).isEqualTo(BatchTracker.NOT_ACKED);
        assertThat(inFlight.firstSeenNanos).isEqualTo(5);
        assertThat(tracker.arrive("b1", 7)).as("a copy").isSameAs(inFlight);

        tracker.commit("b1", new BatchTracker.Counts(3, 2, 1), 9);
        BatchTracker.Batch done = tracker.known("b1");
        assertThat(done.counts()).isEqualTo(new BatchTracker.Counts(3, 2, 1));
        assertThat(done.ackNanos()).isEqualTo(9);
        assertThat(done.firstSeenNanos).isEqualTo(5);
    }

    @Test
    void copiesOfACommittedBatchAreReAckedAtMostOncePerInterval() {
        tracker.arrive("b1", 0);
        tracker.commit("b1", new BatchTracker.Counts(1, 1, 0), 0);
        BatchTracker.Batch b = tracker.known("b1");
        assertThat(tracker.reackDue(b, S / 2)).as("the commit's own ack is fresh").isFalse();
        assertThat(tracker.reackDue(b, S)).isTrue();
        assertThat(tracker.reackDue(b, S + S / 2)).isFalse();
        assertThat(tracker.reackDue(b, 2 * S)).isTrue();
    }

    @Test
    void aCopyOfABatchInFlightIsNeverReAcked() {
        tracker.arrive("b1", 0);
        assertThat(tracker.reackDue(tracker.known("b1"), 10 * S)).isFalse();
    }

    @Test
    void onlyTheNewestCommittedIdsAreRemembered() {
        for (int i = 0; i <= BatchTracker.COMMITTED_MEMORY; i++) {
            tracker.arrive("b" + i, i);
            tracker.commit("b" + i, new BatchTracker.Counts(1, 1, 0), i);
        }
        assertThat(tracker.known("b0")).isNull();
        assertThat(tracker.known("b1")).isNotNull();
    }
}
