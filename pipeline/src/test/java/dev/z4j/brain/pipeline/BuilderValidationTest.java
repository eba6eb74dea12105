package dev.z4j.brain.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad settings stop start-up with a message naming the setting. */
class BuilderValidationTest {
    private final FakeEventStore store = new FakeEventStore();

    @Test
    void ringSizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> IngestPipeline.builder().eventStore(store).ringSize(1000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ringSize").hasMessageContaining("1000");
        assertThatThrownBy(() -> IngestPipeline.builder().eventStore(store).ringSize(0).build())
                .hasMessageContaining("ringSize");
    }

    @Test
    void batchSizeMustBePositive() {
        assertThatThrownBy(() -> IngestPipeline.builder().eventStore(store).maxBatchEvents(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatchEvents");
    }

    @Test
    void lingerMustNotBeNegative() {
        assertThatThrownBy(() -> IngestPipeline.builder().eventStore(store).linger(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
    }

    @Test
    void storeAndBackoffAreChecked() {
        assertThatThrownBy(() -> IngestPipeline.builder().build()).hasMessageContaining("eventStore");
        assertThatThrownBy(() -> IngestPipeline.builder().eventStore(store)
                .retryBackoff(Duration.ofSeconds(2), Duration.ofMillis(50)).build()).hasMessageContaining("retryBackoff");
        assertThatThrownBy(() -> IngestPipeline.builder().eventStore(store)
                .retryBackoff(Duration.ZERO, Duration.ofMillis(50)).build()).hasMessageContaining("retryBackoff");
    }

    @Test
    void defaultsBuildARunningPipeline() {
        IngestPipeline pipeline = IngestPipeline.builder().eventStore(store).build();
        assertThat(pipeline.isRunning()).isTrue();
        assertThat(pipeline.remainingCapacity()).isEqualTo(8192);
        pipeline.close();
        assertThat(pipeline.isRunning()).isFalse();
    }
}
