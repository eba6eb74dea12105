package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers that stop reading must cost their own socket only: never the persister, never shutdown. */
class SlowPeersTest {
    @TempDir
    Path home;
    GatewayHarness h;
    final List<FakeSession> stuck = new ArrayList<>();

    @AfterEach
    void stop() {
        stuck.forEach(FakeSession::unstick);
        if (h != null) {
            h.close();
        }
    }

    /**
     * An agent that stops reading overflows its outbox with acks; closing it publishes a notice,
     * and a NOTIFY can wait seconds for a pool connection. None of that may happen on the
     * persister's thread: the other agents' acks keep coming.
     */
    @Test
    void anOverflowingOutboxNeverStallsThePersister() throws Exception {
        BlockingNotices notices = new BlockingNotices();
        h = new GatewayHarness(home, store -> store, notices);
        notices.gateway = h.gateway;
        FakeSession deaf = track(FakeSession.stuckAfterHelloAck());
        AgentConnection a = h.connect(h.newAgent("deaf"), "w1", deaf);
        FakeSession healthy = FakeSession.open();
        AgentConnection b = h.connect(h.newAgent("healthy"), "w1", healthy);

        notices.block();
        for (int i = 0; i <= Outbox.MAX_PENDING + 1; i++) {
            h.pipeline.publish(a, "ev_a_" + i, 0, List.of()); // acked by the persister into a's outbox
        }
        h.pipeline.publish(b, "ev_b", 0, List.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.idsOf("event_batch_ack").contains("eba_ev_b"));
        assertThat(notices.blocked.get()).as("the overflow's close is waiting on the notice").isTrue();
        notices.release();
        await().atMost(Duration.ofSeconds(5)).until(() -> deaf.closed.isDone());
        assertThat(deaf.closed.get()).isEqualTo(CloseCodes.INTERNAL);
        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isTrue();
    }

    /** Each socket gets the shutdown's flush budget at the same time, not one after another. */
    @Test
    void shutdownWaitsForSlowPeersAllAtOnce() throws Exception {
        h = new GatewayHarness(home);
        List<AgentConnection> connections = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            AgentConnection c = h.connect(h.newAgent("slow-" + i), "w1", track(FakeSession.stuckAfterHelloAck()));
            c.ack("ev_last", 1, 1, 0); // an ack that can never be written: the flush waits out its budget
            connections.add(c);
        }
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(h.gateway::closeAll); // 5 s budget

        // Ten peers one after another would take 50 s.
        await().atMost(Duration.ofSeconds(15)).until(shutdown::isDone);
        for (FakeSession s : stuck) {
            assertThat(s.closed).isCompletedWithValue(CloseCodes.GOING_AWAY);
        }
        assertThat(connections).noneMatch(AgentConnection::isOpen);
    }

    private FakeSession track(FakeSession s) {
        stuck.add(s);
        return s;
    }

    /** A replica registry whose dashboard publish can be made to hang, as a NOTIFY without a pool connection does. */
    private static final class BlockingNotices implements Registry {
        final AtomicBoolean blocked = new AtomicBoolean();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        volatile AgentGateway gateway;

        void block() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        @Override
        public void publish(Notice notice) {
            CountDownLatch g = gate;
            if (g.getCount() > 0) {
                blocked.set(true);
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void commandIssued(CommandStore.Command command) {
            gateway.deliver(command);
        }

        @Override
        public void start() {
        }

        @Override
        public void socketAccepted(UUID agentId, String workerId, Instant connectedAt) {
        }

        @Override
        public void agentRevoked(UUID agentId) {
            gateway.revoke(agentId);
        }

        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public void close() {
            release();
        }
    }
}
