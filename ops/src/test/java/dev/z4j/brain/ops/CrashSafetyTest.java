package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A brain stopped abruptly mid-stream (pipeline and server halted in-process, nothing drained)
 * then restarted: every event the agent saw acked is stored, and after the agent resends what it
 * has, each event is stored exactly once.
 */
class CrashSafetyTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void hardStopMidStreamThenRestartAndResend(BrainFixture.Db db) throws Exception {
        BrainFixture brain = BrainFixture.start(db, home, Map.of());
        TestAgent agent = brain.newAgent("crashy").connect(brain.port()).handshake();
        Streamer streamer = new Streamer(400).start(agent);
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.acks().size() >= 50);

        brain.halt(); // crash: no drain, no more acks
        streamer.stop();
        await().atMost(Duration.ofSeconds(10)).until(agent::isClosed);
        agent.awaitInboundProcessed();
        Set<Integer> ackedBeforeCrash = Streamer.ackedIndexes(agent);
        assertThat(ackedBeforeCrash).hasSizeGreaterThanOrEqualTo(50);
        assertThat(agent.errors()).isEmpty();

        brain.start(); // same database, new process state
        try {
            Streamer.assertAckedAreStored(brain::count, ackedBeforeCrash);
            TestAgent again = new TestAgent(agent.agentId, agent.token,
                    Base64.getUrlEncoder().encodeToString(agent.projectSecret), agent.workerId)
                    .connect(brain.port()).handshake();
            streamer.resendAll(again);
            await().atMost(Duration.ofSeconds(60)).until(() -> again.acks().size() == streamer.batches);
            assertThat(brain.count("SELECT count(*) FROM events")).isEqualTo(3L * streamer.batches);
            assertThat(brain.count("SELECT count(DISTINCT task_id) FROM events")).isEqualTo(streamer.batches);
            assertThat(brain.count("SELECT count(*) FROM tasks WHERE state = 'success'")).isEqualTo(streamer.batches);
            again.close();
        } finally {
            brain.close();
        }
    }
}
