package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The asyncio-agent model against a brain whose reading we control: the agent reads acks only
 * when a write would block or its buffer is empty, and so do its heartbeats.
 */
class AsyncioAgentTest {
    private static AsyncioAgents agent(FakeBrain brain, double eventsPerSecond) {
        return AsyncioAgents.start(brain.url(), List.of(new AsyncioAgents.Identity("a0", FakeBrain.TOKEN,
                brain.hmacSecret())), eventsPerSecond, AsyncioAgents.DEFAULT_FRAME_COST);
    }

    private static AsyncioAgentStats.Snapshot only(AsyncioAgents agents) {
        return agents.snapshot().get(0);
    }

    @Test
    void aBrainThatReadsEverythingAtOnceGetsTheOldest500FramesForeverAndNoAckIsEverRead() throws Exception {
        try (FakeBrain brain = new FakeBrain(10); AsyncioAgents agents = agent(brain, 1000)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> only(agents).emitted() >= 1000
                    && brain.acksWritten.get() == AsyncioAgent.PASS_LIMIT);
            AsyncioAgentStats.Snapshot a = only(agents);
            assertThat(a.acksProcessed()).isZero();
            assertThat(a.confirmed()).isZero();
            assertThat(a.buffered()).isEqualTo(a.emitted());
            assertThat(a.firstSends()).isEqualTo(AsyncioAgent.PASS_LIMIT);
            assertThat(a.writeSuspensions()).isZero();
            assertThat(brain.batches).hasSize(AsyncioAgent.PASS_LIMIT);
            assertThat(brain.eventBatchFrames.get()).as("copies keep arriving").isGreaterThan(4 * AsyncioAgent.PASS_LIMIT);
            assertThat(brain.errors).as("every copy is re-signed: fresh seq, nonce and ts verify").isEmpty();
        }
    }

    @Test
    void whenTheBrainStopsReadingTheAgentsWriteBlocksAndOnlyThenDoesItReadItsAcksAndMoveOn() throws Exception {
        try (FakeBrain brain = new FakeBrain(10); AsyncioAgents agents = agent(brain, 1000)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> only(agents).emitted() >= 1000
                    && brain.acksWritten.get() == AsyncioAgent.PASS_LIMIT);
            assertThat(only(agents).acksProcessed()).as("acks queued, none read").isZero();

            brain.pauseReading();
            await("the agent's write blocks and it reads every queued ack").atMost(Duration.ofSeconds(60))
                    .until(() -> only(agents).writeSuspensions() > 0
                            && only(agents).confirmed() == AsyncioAgent.PASS_LIMIT);

            brain.resumeReading();
            await("the next passes send rows past the first 500").atMost(Duration.ofSeconds(20))
                    .until(() -> only(agents).firstSends() > AsyncioAgent.PASS_LIMIT
                            && brain.batches.size() > AsyncioAgent.PASS_LIMIT);
            assertThat(brain.errors).isEmpty();
        }
    }

    @Test
    void aBrainFrameThatFailsVerificationEndsTheSessionAndTheAgentReconnects() throws Exception {
        try (FakeBrain brain = new FakeBrain(1, true); AsyncioAgents agents = agent(brain, 0)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> brain.sessions.get() == 2 && only(agents).connected());
            AsyncioAgentStats.Snapshot a = only(agents);
            assertThat(a.verifyFailures()).isEqualTo(1);
            assertThat(a.sessions()).isEqualTo(2);
            assertThat(a.lastDisconnect()).startsWith("inbound frame verification failed");
            await().atMost(Duration.ofSeconds(10)).until(() -> brain.heartbeats.get() >= 2);
        }
    }

    @Test
    void anIdleAgentSleepsBetweenEmptyDrainsSoItsHeartbeatTaskRunsEveryInterval() throws Exception {
        try (FakeBrain brain = new FakeBrain(1); AsyncioAgents agents = agent(brain, 0)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> brain.heartbeats.get() >= 3 && brain.agentStatuses.get() >= 3);
            assertThat(only(agents).heartbeatsSent()).isGreaterThanOrEqualTo(3);
            assertThat(only(agents).idleSleeps()).isPositive();
        }
    }

    @Test
    void aBusyAgentNeverLetsItsHeartbeatTaskRun() throws Exception {
        try (FakeBrain brain = new FakeBrain(1); AsyncioAgents agents = agent(brain, 1000)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> brain.eventBatchFrames.get() > 1000);
            // Three heartbeat intervals of non-stop sending: at most the pair queued before the first event.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> brain.heartbeats.get() <= 1);
            assertThat(brain.eventBatchFrames.get()).isGreaterThan(3000);
        }
    }
}
