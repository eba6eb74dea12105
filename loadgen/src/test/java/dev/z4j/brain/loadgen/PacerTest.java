package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void deliversTheRateWithinOneEventWhateverThePassInterval() {
        for (long interval : new long[] {1, 7, 50, 333}) {
            Pacer p = new Pacer(0);
            long total = 0;
            for (long t = interval * MS; t <= 10_000 * MS; t += interval * MS) {
                total += p.take(t, 123.4);
            }
            long elapsedMs = (10_000 / interval) * interval;
            assertThat((double) total).as("interval %d ms", interval).isCloseTo(123.4 * elapsedMs / 1000.0,
                    org.assertj.core.data.Offset.offset(1.0));
        }
    }

    @Test
    void slowRatesCarryTheFraction() {
        Pacer p = new Pacer(0);
        int total = 0;
        for (int i = 1; i <= 200; i++) {
            total += p.take(i * 50 * MS, 0.5); // 10 s at one event every 2 s
        }
        assertThat(total).isEqualTo(5);
    }

    @Test
    void aStallKeepsAtMostOneSecondOfCredit() {
        Pacer p = new Pacer(0);
        assertThat(p.take(60_000 * MS, 1000)).isEqualTo(1000);
        assertThat(p.take(60_050 * MS, 1000)).isEqualTo(50);
    }

    @Test
    void zeroRateGivesNothingAndDropsCredit() {
        Pacer p = new Pacer(0);
        assertThat(p.take(500 * MS, 1)).isZero();
        assertThat(p.take(1000 * MS, 0)).isZero();
        assertThat(p.take(1400 * MS, 1)).isZero();
    }

    @Test
    void totalRateIsSplitOverConnections() {
        assertThat(Pacer.perConnection(2000, 40)).isEqualTo(50.0);
        assertThat(Pacer.perConnection(2000, 0)).isZero();
    }

    @Test
    void rampScheduleStepsUpToTheCeiling() {
        RateSchedule s = new RateSchedule(100, 250, 600, Duration.ofSeconds(10).toNanos());
        assertThat(s.totalRate(0)).isEqualTo(100);
        assertThat(s.totalRate(9_999 * MS)).isEqualTo(100);
        assertThat(s.totalRate(10_000 * MS)).isEqualTo(350);
        assertThat(s.totalRate(25_000 * MS)).isEqualTo(600);
        assertThat(s.totalRate(1_000_000 * MS)).isEqualTo(600);
        assertThat(s.stepIndex(25_000 * MS)).isEqualTo(2);
    }
}
