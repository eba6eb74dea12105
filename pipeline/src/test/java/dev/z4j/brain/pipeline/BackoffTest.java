package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapAndResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(300));
        assertThat(backoff.nextDelayNanos()).isEqualTo(50_000_000L);
        assertThat(backoff.nextDelayNanos()).isEqualTo(100_000_000L);
        assertThat(backoff.nextDelayNanos()).isEqualTo(200_000_000L);
        assertThat(backoff.nextDelayNanos()).isEqualTo(300_000_000L);
        assertThat(backoff.nextDelayNanos()).isEqualTo(300_000_000L);
        backoff.reset();
        assertThat(backoff.nextDelayNanos()).isEqualTo(50_000_000L);
    }
}
