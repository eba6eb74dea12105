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
 * oldest 500 rows forever and nothing newer ever leaves it. The brain's resend brake stops
 * reading such an agent until its writes block, so it reads its acks and drains.
 */
class FaithfulAgentTest {
    private static final int PASS_LIMIT = 500; // z4j-bare's drain(500)
    /**
     * Production has stopped: the last rows need a hold cycle or two (about 3 s each on a quiet
     * loopback). The bound leaves room for a shared, busy 2-core machine, where a hold cycle can grow
     * to its 16 s cap (12 s failed once with four builds running beside the suite); without the
     * brake nothing drains however long one waits.
     */
    private static final Duration SETTLE = Duration.ofSeconds(35);

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void eightAgentsAt25EventsPerSecondFor60sDrainCompletely(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, Map.of());
             FaithfulAgentRun run = FaithfulAgentRun.start(brain, 8, 25)) {
            run.produceFor(Duration.ofSeconds(60));
            run.assertDrainsCompletely(SETTLE);
            assertThat(brain.metric("z4j_agent_read_holds_total")).as("holds").isPositive();
        }
    }

    /**
     * As fast as such an agent can go on loopback: every block confirms at most one pass (500 rows),
     * and a block needs the agent's send buffer full (Linux grows it to 4 MB; about 2.5 s of writing
     * for a Python agent), so a bit over 150 events/s per agent is the ceiling here. Over a real
     * network the buffer, and so the cycle, is smaller.
     */
    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void twoAgentsAt100EventsPerSecondFor30sDrainCompletely(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, Map.of());
             FaithfulAgentRun run = FaithfulAgentRun.start(brain, 2, 100)) {
            run.produceFor(Duration.ofSeconds(30));
            run.assertDrainsCompletely(SETTLE);
        }
    }

    /** The same agents against the brain without its brake: the stall real agents hit. */
    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void withoutTheBrakeAgentsStallAfterTheirFirst500Events(BrainFixture.Db db) throws Exception {
        Map<String, String> env = Map.of("Z4J_AGENT_OFFLINE_TIMEOUT_SECONDS", "5", "Z4J_WS_RESEND_BRAKE", "off");
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

            // What the brake achieves fails here, on the buffers that never empty.
            assertThatThrownBy(() -> run.assertDrainsCompletely(Duration.ofSeconds(3)))
                    .hasMessageContaining("still buffered");
            assertThat(run.storedPerAgent()).as("stored, after the agents tried to drain")
                    .containsExactly((long) PASS_LIMIT, (long) PASS_LIMIT);
            assertThat(brain.metric("z4j_agent_read_holds_total")).as("holds with the brake off").isZero();
        }
    }
}
