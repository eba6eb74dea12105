package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Login answers are held to a minimum duration; failures add min(0.5 s × 2^n, cap). */
class LoginPacerTest {
    private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");

    private final List<Duration> slept = new ArrayList<>();

    private LoginPacer pacer(Instant now, Duration minimum, Duration cap) {
        return new LoginPacer(minimum, cap, Clock.fixed(now, ZoneOffset.UTC), slept::add);
    }

    @Test
    void aFastAnswerWaitsForTheRestOfTheMinimum() {
        Duration held = pacer(T0.plusMillis(120), Duration.ofMillis(300), Duration.ofSeconds(5)).hold(T0, Duration.ZERO);
        assertThat(held).isEqualTo(Duration.ofMillis(180));
        assertThat(slept).containsExactly(Duration.ofMillis(180));
    }

    @Test
    void aSlowAnswerDoesNotWaitMore() {
        assertThat(pacer(T0.plusMillis(400), Duration.ofMillis(300), Duration.ofSeconds(5)).hold(T0, Duration.ZERO))
                .isZero();
        assertThat(slept).isEmpty();
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCap() {
        LoginPacer p = pacer(T0, Duration.ofMillis(300), Duration.ofSeconds(5));
        assertThat(p.backoff(0)).isZero();
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.backoff(60)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.hold(T0, p.backoff(2))).isEqualTo(Duration.ofMillis(2300));
        assertThat(pacer(T0, Duration.ZERO, Duration.ZERO).backoff(5)).isZero();
    }
}
