package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** At most N hits per key in any window; refused hits do not count; the window slides. */
class SlidingWindowTest {
    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-05-01T09:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void twentyPerMinutePerAddress() {
        MutableClock clock = new MutableClock();
        SlidingWindow w = new SlidingWindow(20, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 20; i++) {
            assertThat(w.tryHit("10.0.0.1")).isTrue();
            clock.now = clock.now.plusMillis(100);
        }
        assertThat(w.tryHit("10.0.0.1")).isFalse();
        assertThat(w.tryHit("10.0.0.2")).isTrue(); // another address has its own budget
        clock.now = clock.now.plusSeconds(58); // the first hit is now older than a minute
        assertThat(w.tryHit("10.0.0.1")).isTrue();
        assertThat(w.tryHit("10.0.0.1")).isFalse();
        clock.now = clock.now.plusSeconds(61);
        for (int i = 0; i < 20; i++) {
            assertThat(w.tryHit("10.0.0.1")).isTrue();
        }
    }
}
