package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import io.helidon.common.buffers.BufferData;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command is delivered at least once until the agent's command_ack, and no claim is lost. */
class CommandDeliveryTest {
    @TempDir
    Path home;
    GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aClaimThatCouldNotReachTheDatabaseIsNotReportedAsDelivered() throws Exception {
        AtomicBoolean databaseDown = new AtomicBoolean();
        h = new GatewayHarness(home, store -> new FailingClaims(store, databaseDown), null);
        GatewayHarness.Agent agent = h.newAgent("cut-off");
        FakeSession session = FakeSession.open();
        databaseDown.set(true);
        h.connect(agent, "w1", session);
        CommandStore.Command c = h.issue(agent);

        assertThat(h.gateway.deliver(c)).isFalse(); // so the registry tells the other replicas
        assertThat(session.idsOf("command")).isEmpty();
        assertThat(h.command(c.id()).status()).isEqualTo(CommandStore.PENDING);
        assertThat(h.counter("z4j_command_deliveries_total", "outcome", "claim_failed")).isGreaterThanOrEqualTo(1);

        databaseDown.set(false);
        assertThat(h.gateway.deliver(c)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> session.idsOf("command").equals(List.of(c.id().toString())));
        assertThat(h.command(c.id()).status()).isEqualTo(CommandStore.DISPATCHED);
    }

    /**
     * A close that lands between register() and the connection noting it registered (here: a
     * displacement fired by the registration itself, as one from another replica can be) must
     * not leave the dead socket in the registry, where it would swallow the agent's commands.
     */
    @Test
    void aCloseRacingRegistrationLeavesNoSlotBehind() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("racer");
        h.sockets.register(agent.id(), "w1", new OlderSlot(() ->
                h.sockets.get(agent.id(), "w1").ifPresent(ConnectionRegistry.Slot::displace)));
        FakeSession session = FakeSession.open();
        AgentConnection c = h.connect(agent, "w1", session);

        assertThat(session.closed).isCompletedWithValue(CloseCodes.DISPLACED);
        assertThat(c.isOpen()).isFalse();
        assertThat(h.sockets.get(agent.id(), "w1")).isEmpty();
        assertThat(h.gateway.holds(agent.id())).isFalse();
        CommandStore.Command cmd = h.issue(agent);
        assertThat(h.gateway.deliver(cmd)).isFalse(); // no socket here: stays pending for the next one
        assertThat(h.command(cmd.id()).status()).isEqualTo(CommandStore.PENDING);
    }

    @Test
    void aSocketLostBeforeTheAckHandsItsCommandToTheAgentsOtherSocket() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("two-workers");
        FakeSession s1 = FakeSession.open();
        FakeSession s2 = FakeSession.open();
        AgentConnection c1 = h.connect(agent, "w1", s1);
        AgentConnection c2 = h.connect(agent, "w2", s2);
        CommandStore.Command cmd = h.issue(agent);
        h.registry.commandIssued(cmd);
        await().atMost(Duration.ofSeconds(5)).until(() -> s1.idsOf("command").size() + s2.idsOf("command").size() == 1);

        boolean firstGotIt = !s1.idsOf("command").isEmpty();
        AgentConnection lost = firstGotIt ? c1 : c2;
        FakeSession survivor = firstGotIt ? s2 : s1;
        AgentConnection survivorConnection = firstGotIt ? c2 : c1;
        assertThat(h.command(cmd.id()).dispatchedTo()).isEqualTo(lost.socketId().wire());

        lost.onError(null, new UncheckedIOException(new SocketException("Connection reset")));

        await().atMost(Duration.ofSeconds(5)).until(() -> survivor.idsOf("command").equals(List.of(cmd.id().toString())));
        CommandStore.Command now = h.command(cmd.id());
        assertThat(now.status()).isEqualTo(CommandStore.DISPATCHED);
        assertThat(now.dispatchedTo()).isEqualTo(survivorConnection.socketId().wire());
        assertThat(h.counter("z4j_command_deliveries_total", "outcome", "released")).isEqualTo(1);
    }

    @Test
    void anAcknowledgedCommandStaysWithTheAgentWhenItsSocketCloses() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("acker");
        FakeSession s1 = FakeSession.open();
        AgentConnection c1 = h.connect(agent, "w1", s1);
        CommandStore.Command cmd = h.issue(agent);
        assertThat(h.gateway.deliver(cmd)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !s1.idsOf("command").isEmpty());

        c1.onMessage(s1, BufferData.create(agentSigner(s1).sign(
                Frame.outbound(cmd.id().toString(), new Frame.CommandAck(Map.of())))), true);
        c1.onClose(s1, 1000, "bye");
        FakeSession s2 = FakeSession.open();
        h.connect(agent, "w2", s2); // the agent is back on another worker

        await().atMost(Duration.ofSeconds(5)).until(() -> h.command(cmd.id()).ackedAt() != null);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> s2.idsOf("command").isEmpty());
        CommandStore.Command owned = h.command(cmd.id());
        assertThat(owned.status()).isEqualTo(CommandStore.DISPATCHED);
        assertThat(owned.dispatchedTo()).isEqualTo(c1.socketId().wire());
    }

    @Test
    void aCommandPushedToASocketThatJustClosedGoesToTheNextOne() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("closing");
        UUID closingSession = UUID.randomUUID();
        List<CommandStore.Command> takenByOpen = new ArrayList<>();
        RecordingSlot closing = new RecordingSlot(new SocketId(closingSession, "w1"), null);
        RecordingSlot open = new RecordingSlot(new SocketId(UUID.randomUUID(), "w2"), takenByOpen);
        closing.onPush = () -> h.sockets.unregister(agent.id(), "w1", closing); // closed just after the lookup
        h.sockets.register(agent.id(), "w1", closing);
        h.sockets.register(agent.id(), "w2", open);
        CommandStore.Command cmd = h.issue(agent);

        assertThat(h.gateway.deliver(cmd)).isTrue();
        assertThat(closing.pushes).as("the closing socket was tried first").isEqualTo(1);
        assertThat(takenByOpen).extracting(CommandStore.Command::id).containsExactly(cmd.id());
        assertThat(h.command(cmd.id()).dispatchedTo()).isEqualTo(open.socketId().wire());
    }

    /** The agent's side of a session: signs with the project secret and the binding from hello_ack. */
    private FrameSigner agentSigner(FakeSession session) {
        Frame.HelloAck ack = (Frame.HelloAck) FrameVerifier.parseUnsigned(session.sent.get(0)).payload();
        return new FrameSigner(Secrets.projectSecret(GatewayHarness.MASTER, h.project),
                new SessionBinding(ack.agentId(), ack.projectId(), ack.sessionId()));
    }

    /** A socket registered earlier for the same worker; being displaced runs {@code onDisplace}. */
    private static final class OlderSlot implements ConnectionRegistry.Slot {
        private final Runnable onDisplace;

        OlderSlot(Runnable onDisplace) {
            this.onDisplace = onDisplace;
        }

        @Override
        public void displace() {
            onDisplace.run();
        }

        @Override
        public Instant connectedAt() {
            return Instant.EPOCH;
        }

        @Override
        public SocketId socketId() {
            return new SocketId(UUID.randomUUID(), "w1");
        }

        @Override
        public boolean push(CommandStore.Command command) {
            return false;
        }
    }

    /** A slot that takes commands into a list, or (list null) refuses them as a closing socket does. */
    private static final class RecordingSlot implements ConnectionRegistry.Slot {
        private final SocketId id;
        private final List<CommandStore.Command> taken;
        Runnable onPush = () -> { };
        int pushes;

        RecordingSlot(SocketId id, List<CommandStore.Command> taken) {
            this.id = id;
            this.taken = taken;
        }

        @Override
        public void displace() {
        }

        @Override
        public Instant connectedAt() {
            return Instant.now();
        }

        @Override
        public SocketId socketId() {
            return id;
        }

        @Override
        public boolean push(CommandStore.Command command) {
            pushes++;
            onPush.run();
            if (taken == null) {
                return false;
            }
            taken.add(command);
            return true;
        }
    }

    /** The database's command store, except that claims fail while {@code down} is set. */
    private static final class FailingClaims implements CommandStore {
        private final CommandStore store;
        private final AtomicBoolean down;

        FailingClaims(CommandStore store, AtomicBoolean down) {
            this.store = store;
            this.down = down;
        }

        @Override
        public Optional<Command> claim(UUID id, String socket, Instant now) throws StoreException {
            if (down.get()) {
                throw new StoreException("connection refused", true, null);
            }
            return store.claim(id, socket, now);
        }

        @Override
        public Command insert(NewCommand command, Instant now) throws StoreException {
            return store.insert(command, now);
        }

        @Override
        public Optional<Command> insertForAgent(NewCommand command, boolean evenIfOffline, Instant now)
                throws StoreException {
            return store.insertForAgent(command, evenIfOffline, now);
        }

        @Override
        public Optional<Command> get(UUID id) throws StoreException {
            return store.get(id);
        }

        @Override
        public List<Command> list(UUID projectId, String status, int limit) throws StoreException {
            return store.list(projectId, status, limit);
        }

        @Override
        public boolean release(UUID id, String socket) throws StoreException {
            return store.release(id, socket);
        }

        @Override
        public boolean acknowledge(UUID id, UUID projectId, UUID agentId, Instant now) throws StoreException {
            return store.acknowledge(id, projectId, agentId, now);
        }

        @Override
        public List<Command> pendingForAgent(UUID agentId, int limit) throws StoreException {
            return store.pendingForAgent(agentId, limit);
        }

        @Override
        public List<Command> pendingForAgents(Collection<UUID> agentIds, int limit) throws StoreException {
            return store.pendingForAgents(agentIds, limit);
        }

        @Override
        public List<Command> unackedForAgents(Collection<UUID> agentIds, Instant dispatchedBefore, int limit)
                throws StoreException {
            return store.unackedForAgents(agentIds, dispatchedBefore, limit);
        }

        @Override
        public boolean finish(UUID id, UUID projectId, UUID agentId, boolean success, String resultJson, String error,
                              Instant now) throws StoreException {
            return store.finish(id, projectId, agentId, success, resultJson, error, now);
        }

        @Override
        public List<Command> expire(Instant now) throws StoreException {
            return store.expire(now);
        }
    }
}
