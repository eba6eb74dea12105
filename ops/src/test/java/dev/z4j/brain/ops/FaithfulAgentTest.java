package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.loadgen.AsyncioAgentStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real z4j-bare agents (loadgen's asyncio-agent model) against the real brain. Such an agent reads
 * its acks only when a socket write would block or its buffer is empty. A brain that reads every
 * frame at once never makes a write block, so the agent never reads an ack: it re-sends its
 * oldest 500 rows forever and nothing newer ever leaves it.
 *
 * <p>This test pins that behaviour of today's brain. A brain that gets such agents to read their
 * acks turns it around: the scenario then ends with {@link FaithfulAgentRun#assertDrainsCompletely}
 * (every event stored exactly once, buffers empty within seconds, agents online throughout), at
 * realistic rates such as 8 agents x 25 ev/s for 60 s and 2 agents x 500 ev/s for 30 s.
 */
class FaithfulAgentTest {
    private static final int PASS_LIMIT = 500; // z4j-bare's drain(500)

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void agentsThatNeverWaitOnAWriteStallAfterTheirFirst500Events(BrainFixture.Db db) throws Exception {
        Map<String, String> env = Map.of("Z4J_AGENT_OFFLINE_TIMEOUT_SECONDS", "5");
        try (BrainFixture brain = BrainFixture.start(db, home, env);
             FaithfulAgentRun run = FaithfulAgentRun.start(brain, 2, 100)) {
            // Twice the pass limit produced: an agent that processed any ack would have sent rows past 500.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> run.agents().stream().allMatch(a -> a.emitted() >= 2 * PASS_LIMIT));
            await("the first 500 of each agent stored").atMost(Duration.ofSeconds(20))
                    .until(() -> run.storedPerAgent().equals(List.of((long) PASS_LIMIT, (long) PASS_LIMIT)));

            for (AsyncioAgentStats.Snapshot a : run.agents()) {
                assertThat(a.acksProcessed()).as(a.name() + ": acks processed").isZero();
                assertThat(a.confirmed()).as(a.name() + ": rows confirmed").isZero();
                assertThat(a.buffered()).as(a.name() + ": everything produced is still buffered")
                        .isEqualTo(a.emitted());
                assertThat(a.firstSends()).as(a.name() + ": distinct rows ever sent").isEqualTo(PASS_LIMIT);
                assertThat(a.copies()).as(a.name() + ": the same 500 frames re-sent again and again")
                        .isGreaterThan(10L * PASS_LIMIT);
                assertThat(a.sessions()).as(a.name() + ": one session, never dropped").isEqualTo(1);
            }

            // The agents hammer the brain with copies, yet nothing new arrives: it takes them for gone.
            long framesBefore = run.agents().stream().mapToLong(AsyncioAgentStats.Snapshot::framesSent).sum();
            await("the brain shows the agents offline").atMost(Duration.ofSeconds(30))
                    .until(() -> run.agentsOnline() == 0);
            assertThat(run.agents()).allSatisfy(a -> assertThat(a.connected()).as(a.name() + " connected").isTrue());
            assertThat(run.agents().stream().mapToLong(AsyncioAgentStats.Snapshot::framesSent).sum())
                    .as("frames still arriving").isGreaterThan(framesBefore);

            // What a fixed brain must achieve fails today, on the buffers that never empty.
            assertThatThrownBy(() -> run.assertDrainsCompletely(Duration.ofSeconds(3)))
                    .hasMessageContaining("still buffered");
            assertThat(run.storedPerAgent()).as("stored, after the agents tried to drain")
                    .containsExactly((long) PASS_LIMIT, (long) PASS_LIMIT);
        }
    }
}
