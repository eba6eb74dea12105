package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RampTrackerTest {
    private static final long S = 1_000_000_000L;

    private static Histogram latencies(long micros, int n) {
        Histogram h = new Histogram(Metrics.MAX_LATENCY_MICROS, 3);
        h.recordValueWithCount(micros, n);
        return h;
    }

    @Test
    void findsTheFirstStepWhoseP99ExceedsOneSecond() {
        RampTracker t = new RampTracker(new RateSchedule(100, 100, 500, 2 * S));
        // step 0 (100 ev/s): fast acks
        assertThat(t.tick(1 * S, 1, 100, 100, latencies(5_000, 100))).isNull();
        assertThat(t.tick(2 * S - 1, 1, 100, 100, latencies(5_000, 100))).isNull();
        // step 1 (200 ev/s) starts: step 0 closes
        RampTracker.Step s0 = t.tick(3 * S, 1, 200, 200, latencies(1_500_000, 200));
        assertThat(s0.saturated()).isFalse();
        assertThat(s0.targetRate()).isEqualTo(100);
        t.tick(4 * S - 1, 1, 200, 200, latencies(1_500_000, 200));
        RampTracker.Step s1 = t.tick(5 * S, 1, 300, 300, latencies(1_000, 300));
        assertThat(s1.targetRate()).isEqualTo(200);
        assertThat(s1.saturation()).startsWith("ack p99");
        assertThat(t.firstSaturated()).isEqualTo(s1);
        assertThat(t.finish().targetRate()).isEqualTo(300);
        assertThat(t.steps()).hasSize(3);
    }

    @Test
    void acksOrSendsFallingBehindAlsoSaturate() {
        assertThat(RampTracker.saturation(1000, 1000, 950, 10_000)).isNull();
        assertThat(RampTracker.saturation(1000, 1000, 800, 10_000)).startsWith("acks fell behind");
        assertThat(RampTracker.saturation(1000, 700, 700, 10_000)).startsWith("sends fell behind");
        assertThat(RampTracker.saturation(1000, 1000, 1000, 1_000_001)).startsWith("ack p99");
    }
}
