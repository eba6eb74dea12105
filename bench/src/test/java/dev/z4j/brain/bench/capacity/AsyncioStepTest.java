package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AsyncioStepTest {
    private static AsyncioStep step(double offered, int exit, long emitted, long confirmed, long buffered, long evicted,
                                    double growth, double p99) {
        return new AsyncioStep("t", offered, 4, exit, 30, 4, emitted, confirmed, buffered, evicted, 10 * emitted,
                40_000_000, 2000, p99, growth, 1500, 40, 100, new SocketSample(4, 4_194_304, 65483), "");
    }

    @Test
    void passesWhenEverythingIsAckedAndTheBacklogDoesNotGrow() {
        AsyncioStep s = step(100, 0, 3000, 3000, 0, 0, 2.0, 6000);
        assertThat(s.allAcked()).isTrue();
        assertThat(s.bounded()).isTrue();
        assertThat(s.passed()).isTrue();
        assertThat(s.whyNot()).isEmpty();
    }

    @Test
    void eventsLeftInTheBuffersAfterSettlingFailTheStep() {
        AsyncioStep s = step(100, 1, 3000, 2500, 500, 0, 2.0, 6000);
        assertThat(s.allAcked()).isFalse();
        assertThat(s.passed()).isFalse();
        assertThat(s.whyNot()).contains("500 events not acked");
    }

    @Test
    void evictedEventsAreNotAcked() {
        assertThat(step(100, 0, 3000, 2990, 0, 10, 2.0, 6000).allAcked()).isFalse();
    }

    @Test
    void aBacklogGrowingFasterThanATenthOfTheOfferedRateIsUnbounded() {
        assertThat(step(100, 0, 3000, 3000, 0, 0, 9.9, 6000).bounded()).isTrue();
        AsyncioStep growing = step(100, 0, 3000, 3000, 0, 0, 10.1, 6000);
        assertThat(growing.bounded()).isFalse();
        assertThat(growing.passed()).isFalse(); // even though the settle time let it drain in the end
        assertThat(growing.whyNot()).contains("backlog grew 10.1 ev/s");
        assertThat(step(100, 0, 3000, 3000, 0, 0, Double.NaN, 6000).bounded()).isFalse();
    }

    @Test
    void theLatencyBarNeedsAPassingStepAndP99UnderOneSecond() {
        assertThat(step(100, 0, 3000, 3000, 0, 0, 0, 999).meetsLatencyBar()).isTrue();
        assertThat(step(100, 0, 3000, 3000, 0, 0, 0, 1000).meetsLatencyBar()).isFalse();
        assertThat(step(100, 1, 3000, 2000, 1000, 0, 0, 500).meetsLatencyBar()).isFalse(); // fast acks, not all
    }

    @Test
    void derivedFigures() {
        AsyncioStep s = step(100, 0, 3000, 3000, 0, 0, 0, 6000);
        assertThat(s.copiesPerEvent()).isEqualTo(10.0);
        assertThat(s.meanHoldSeconds()).isEqualTo(2.5);
        assertThat(s.writeMegabytesPerSecondPerAgent()).isCloseTo(40e6 / 34 / 4 / 1e6, org.assertj.core.data.Offset.offset(1e-9));
    }
}
