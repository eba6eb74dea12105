package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A socket with no message for Z4J_WS_IDLE_TIMEOUT_SECONDS is closed with 4408; heartbeats keep one open. */
class IdleTimeoutTest {
    @TempDir
    Path home;

    @Test
    void silentSocketsAreClosedHeartbeatingOnesStay() throws Exception {
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home,
                Map.of("Z4J_WS_IDLE_TIMEOUT_SECONDS", "15"))) {
            TestAgent silent = brain.newAgent("sleepy").connect(brain.port()).handshake();
            TestAgent alive = brain.newAgent("awake").connect(brain.port()).handshake();
            beats.scheduleAtFixedRate(alive::sendHeartbeat, 3, 3, TimeUnit.SECONDS);
            long start = System.nanoTime();
            assertThat(silent.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(4408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(14));
            assertThat(alive.isClosed()).isFalse();
            assertThat(brain.metric("z4j_agent_closes_total{code=\"4408\"}")).isEqualTo(1.0);
            alive.close();
        } finally {
            beats.shutdownNow();
        }
    }
}
