package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close(): what was received is persisted and acked before sockets close with 1001. */
class GracefulShutdownTest {
    @TempDir
    Path home;

    @Test
    void shutdownDrainsAcksThenClosesSocketsWith1001() throws Exception {
        BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, Map.of());
        TestAgent agent = brain.newAgent("leaving").connect(brain.port()).handshake();
        Streamer streamer = new Streamer(200);
        for (int i = 0; i < streamer.batches; i++) {
            agent.sendBatch(Streamer.batchId(i), streamer.events(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> brain.count("SELECT count(*) FROM events") > 0);
        brain.close();
        assertThat(agent.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        agent.awaitInboundProcessed();
        // Every batch that reached the brain before shutdown is acked and stored.
        long stored = BrainFixture.count(brain.env, "SELECT count(*) FROM events");
        assertThat(stored).isEqualTo(3L * agent.acks().size());
        Streamer.assertAckedAreStored(sql -> BrainFixture.count(brain.env, sql), Streamer.ackedIndexes(agent));
        assertThat(agent.acks()).isNotEmpty(); // batches not read before shutdown are resent by the agent
    }
}
