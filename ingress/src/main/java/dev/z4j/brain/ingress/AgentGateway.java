package dev.z4j.brain.ingress;

import dev.z4j.brain.ingress.ws.WsEndpoint;
import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.protocol.MacPool;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.registry.LocalAgents;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.websocket.WsListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code /ws/agent} endpoint: makes one {@link AgentConnection} per socket and owns what they
 * share (auth, registry, pipeline, liveness, project secrets, the timeout watchdog).
 *
 * <p>Commands are delivered at least once until the agent's {@code command_ack}: a command is
 * claimed for one socket; if that socket goes away before the ack (close, error, displacement,
 * abrupt loss) the command is released back to pending and routed again, to whichever replica
 * holds the agent. A periodic {@link #reconcile} on every replica (for the agents it holds)
 * catches whatever a lost NOTIFY, a failed claim or a replica crash left behind.
 */
public final class AgentGateway implements LocalAgents, AutoCloseable {
    /** Commands looked at per agent set by one reconcile pass (and by the drain on connect). */
    static final int RECONCILE_LIMIT = 500;
    /** How often every replica reconciles the commands of the agents it holds. */
    static final Duration RECONCILE_EVERY = Duration.ofSeconds(5);
    /** A claim younger than this may still be on its way to the socket or its ack on the way back. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    /**
     * An unacknowledged command whose socket is not held here (and whose worker has no newer
     * socket here) is taken back after this long: its replica probably died with it.
     */
    static final Duration ORPHAN_AFTER = Duration.ofSeconds(30);
    /** Sockets a command is tried on before it is left pending for the reconcile. */
    static final int MAX_PUSH_ATTEMPTS = 4;
    /**
     * How long a deleted agent is remembered here: a socket whose token was looked up just before
     * the delete opens after {@link #revoke} looked at the open sockets, within this.
     */
    static final Duration REVOKED_MEMORY = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(AgentGateway.class.getName());

    /** A directory write that may fail; run off the socket's thread so a slow DB never stalls reads. */
    @FunctionalInterface
    public interface DirectoryWrite {
        void run() throws StoreException;
    }

    private final GatewayConfig config;
    private final Directory directory;
    private final CommandStore commands;
    private final IngestPipeline pipeline;
    private volatile Registry replicas;
    private final GatewayMetrics metrics;
    private final BearerAuth auth;
    private final ConnectionRegistry registry;
    private final LivenessCoalescer liveness;
    private final QueueDepths queueDepths;
    private final Map<UUID, MacPool> projectMacs = new ConcurrentHashMap<>();
    private final Set<AgentConnection> live = ConcurrentHashMap.newKeySet();
    /** Agents deleted within {@link #REVOKED_MEMORY}, with when (System.nanoTime). */
    private final Map<UUID, Long> recentlyRevoked = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "z4j-gateway-timers");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService directoryWrites = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean reconciling = new AtomicBoolean();
    private final WorkerHellos workerHellos;
    /** Agents whose waiting commands a drain will look up: one query for all that connected meanwhile. */
    private final Set<UUID> toDrain = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set by closeAll: sockets that open from then on are sent away with 1001 at once. */
    private volatile boolean goingAway;

    public AgentGateway(GatewayConfig config, Directory directory, CommandStore commands, IngestPipeline pipeline,
                        GatewayMetrics metrics, ConnectionRegistry registry) {
        this.config = config;
        this.directory = directory;
        this.commands = commands;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.registry = registry;
        this.auth = new BearerAuth(directory, config.masterSecret(), config.previousSecrets(),
                new TokenCache(config.authCacheEntries()), new LookupGate(config.authLookups()));
        metrics.watchAuth(auth);
        this.liveness = new LivenessCoalescer(directory);
        this.queueDepths = new QueueDepths(directory, metrics.registry());
        this.workerHellos = new WorkerHellos(directory);
        timers.scheduleWithFixedDelay(this::checkTimeouts, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(liveness::flush, 2, 2, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(queueDepths::flush, 2, 2, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::reconcileHeldAgents, RECONCILE_EVERY.toMillis(),
                RECONCILE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Connects the gateway to the replica registry (built after the gateway, which it calls back). */
    public void attach(Registry replicas) {
        this.replicas = replicas;
    }

    // ------------------------------------------------------------------ LocalAgents (for the registry)

    /**
     * Claims the command for one of the agent's sockets here and pushes it. True once it is pushed
     * here, or when it is no longer pending (another replica or socket won the claim, or it ended);
     * false when this replica holds no socket of the agent or the database could not be asked
     * (the caller then tells the other replicas; the reconcile retries in any case).
     */
    @Override
    public boolean deliver(UUID commandId, UUID agentId) {
        for (int attempt = 0; attempt < MAX_PUSH_ATTEMPTS; attempt++) {
            Optional<ConnectionRegistry.Slot> slot = registry.any(agentId);
            if (slot.isEmpty()) {
                return false;
            }
            String socket = slot.get().socketId().wire();
            CommandStore.Command command;
            try {
                Optional<CommandStore.Command> claimed = commands.claim(commandId, socket, Instant.now());
                if (claimed.isEmpty()) { // only the winner pushes
                    return true;
                }
                command = claimed.get();
            } catch (StoreException e) {
                metrics.commandDelivery("claim_failed");
                LOG.log(Level.WARNING, "could not claim command " + commandId + ": " + e.getMessage());
                return false;
            }
            if (slot.get().push(command)) {
                metrics.commandDelivery("pushed");
                publish(new Notice(command.projectId(), Notice.COMMAND_CHANGED, 1, command.id().toString()));
                return true;
            }
            // The socket began closing after we picked it (it is unregistered by now): take the
            // claim back and try the agent's next socket.
            try {
                if (!commands.release(command.id(), socket)) {
                    return true; // acknowledged meanwhile (by an earlier push of it): the agent has it
                }
                metrics.commandDelivery("released");
            } catch (StoreException e) {
                metrics.commandDelivery("release_failed");
                LOG.log(Level.WARNING, "could not release command " + command.id() + ": " + e.getMessage());
                return false; // dispatched to a socket that is gone: the reconcile takes it back
            }
        }
        return false;
    }

    /**
     * A socket went away holding commands it was pushed but the agent never acknowledged: each is
     * released (if still unacknowledged and still this socket's) and routed to wherever the agent
     * is now. Runs on the caller's thread, which must not be a reader or the persister.
     */
    void releaseAndReroute(SocketId socket, Collection<CommandStore.Command> unacked) {
        for (CommandStore.Command c : unacked) {
            releaseAndReroute(c, socket.wire());
        }
    }

    private void releaseAndReroute(CommandStore.Command c, String socket) {
        try {
            if (!commands.release(c.id(), socket)) {
                return; // acknowledged, finished, expired, or already released by someone else
            }
        } catch (StoreException e) {
            metrics.commandDelivery("release_failed");
            LOG.log(Level.WARNING, "could not release command " + c.id() + " (the reconcile will): " + e.getMessage());
            return;
        }
        metrics.commandDelivery("released");
        publish(new Notice(c.projectId(), Notice.COMMAND_CHANGED, 1, c.id().toString()));
        Registry r = replicas;
        if (r != null) {
            r.commandIssued(c); // here if we hold another socket of the agent, else the other replicas
        } else {
            deliver(c);
        }
    }

    /**
     * Puts right what a lost NOTIFY, a failed claim or release, or a replica crash left for these
     * agents (all held here): unacknowledged commands whose socket is gone are released and routed
     * again, then pending ones are pushed. Bounded per pass; leader-free (each replica does its own).
     */
    @Override
    public void reconcile(Collection<UUID> agentIds) {
        if (agentIds.isEmpty()) {
            return;
        }
        try {
            Instant now = Instant.now();
            for (CommandStore.Command c : commands.unackedForAgents(agentIds, now.minus(SETTLE), RECONCILE_LIMIT)) {
                if (socketGone(c, now)) {
                    releaseAndReroute(c, c.dispatchedTo());
                }
            }
            for (CommandStore.Command c : commands.pendingForAgents(agentIds, RECONCILE_LIMIT)) {
                deliver(c);
            }
        } catch (StoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "command reconcile failed, will retry: {0}", e.getMessage());
        }
    }

    /** Whether the socket an unacknowledged command was claimed for is gone. */
    private boolean socketGone(CommandStore.Command c, Instant now) {
        SocketId owner = SocketId.parse(c.dispatchedTo());
        if (owner == null) {
            return false; // claimed by an older brain without socket ids: it times out as before
        }
        Optional<ConnectionRegistry.Slot> here = registry.get(c.agentId(), owner.worker());
        if (here.isPresent()) {
            // Ours and live: wait for the ack. Another socket of that worker here: the owner was
            // displaced or lost (a worker holds one socket at a time).
            return !here.get().socketId().equals(owner);
        }
        return c.dispatchedAt() != null && c.dispatchedAt().isBefore(now.minus(ORPHAN_AFTER));
    }

    private void reconcileHeldAgents() {
        if (!reconciling.compareAndSet(false, true)) {
            return; // the previous pass is still running (slow database)
        }
        try {
            directoryWrites.execute(() -> {
                try {
                    reconcile(registry.agents());
                } finally {
                    reconciling.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            reconciling.set(false);
        }
    }

    @Override
    public boolean holds(java.util.UUID agentId) {
        return registry.any(agentId).isPresent();
    }

    @Override
    public java.util.Set<java.util.UUID> heldAgents() {
        return registry.agents();
    }

    @Override
    public void displaceIfOlder(java.util.UUID agentId, String workerId, Instant connectedAt) {
        registry.get(agentId, workerId).ifPresent(slot -> {
            if (slot.connectedAt().isBefore(connectedAt)) {
                slot.displace();
            }
        });
    }

    /**
     * The agent was deleted: every socket of it here closes with 4003 (hello or not yet), and so
     * does one that authenticated before the delete and opens only now ({@link #revokedRecently}).
     */
    @Override
    public int revoke(UUID agentId) {
        long now = System.nanoTime();
        recentlyRevoked.values().removeIf(at -> now - at > REVOKED_MEMORY.toNanos()); // stays small
        // First remember, then look at the sockets; a connection sets its agent, then asks
        // revokedRecently: one of the two always sees the other.
        recentlyRevoked.put(agentId, now);
        auth.forget(agentId); // its tokens are looked up again: and found no more
        int closed = 0;
        for (AgentConnection c : live) {
            if (agentId.equals(c.agentId())) {
                c.close(CloseCodes.REVOKED, "agent revoked");
                closed++;
            }
        }
        return closed;
    }

    /** Whether the agent was deleted within {@link #REVOKED_MEMORY} (its token passed before the delete). */
    boolean revokedRecently(UUID agentId) {
        Long at = recentlyRevoked.get(agentId);
        return at != null && System.nanoTime() - at <= REVOKED_MEMORY.toNanos();
    }

    /** After a socket of the agent connected here: push what waited for it, take back what its old socket had. */
    /**
     * Commands that waited for this agent go out now. Coalesced: in a connect storm every socket
     * asks, and one query per batch of agents answers them all instead of one per socket.
     */
    void drainPending(UUID agentId) {
        toDrain.add(agentId);
        if (draining.compareAndSet(false, true)) {
            directoryWrite(this::drainQueued);
        }
    }

    private void drainQueued() {
        try {
            while (!toDrain.isEmpty()) {
                List<UUID> batch = new ArrayList<>();
                for (Iterator<UUID> it = toDrain.iterator(); it.hasNext() && batch.size() < RECONCILE_LIMIT; ) {
                    batch.add(it.next());
                    it.remove();
                }
                reconcile(batch);
            }
        } finally {
            draining.set(false);
            // An agent added after the loop looked but before the flag dropped is not left waiting.
            if (!toDrain.isEmpty() && draining.compareAndSet(false, true)) {
                directoryWrite(this::drainQueued);
            }
        }
    }

    WorkerHellos workerHellos() {
        return workerHellos;
    }

    void publish(Notice notice) {
        Registry r = replicas;
        if (r != null) {
            r.publish(notice);
        }
    }

    void socketAccepted(java.util.UUID agentId, String workerId, Instant at) {
        Registry r = replicas;
        if (r != null) {
            r.socketAccepted(agentId, workerId, at);
        }
    }

    /** {@code /ws/agent}: a message over Z4J_WS_MAX_FRAME_BYTES is refused with 4400 before it is read. */
    public WsEndpoint endpoint() {
        return new WsEndpoint("/ws/agent", this::newListener, config.maxMessageBytes(), CloseCodes.BAD_FRAME);
    }

    WsListener newListener() {
        return new AgentConnection(this);
    }

    /** Whether the brain is shutting down (closeAll ran): no new agent session starts here. */
    boolean goingAway() {
        return goingAway;
    }

    /** Number of open agent sockets. */
    public int openSockets() {
        return live.size();
    }

    /**
     * Closes every agent socket with 1001 (graceful shutdown, after the pipeline drained), all at
     * once: each first gets until the shared deadline to write its last acks, so shutdown takes
     * about {@code flushBudget} however many sockets there are.
     */
    public void closeAll(Duration flushBudget) {
        // First: agents reconnecting (1 s after our 1001) while the server still listens would be
        // taken in by a brain that stores nothing more and is about to cut them.
        goingAway = true;
        long deadline = System.nanoTime() + flushBudget.toNanos();
        try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
            for (AgentConnection c : live) {
                closing.execute(() -> c.goingAway(deadline));
            }
        }
    }

    /** {@link #closeAll(Duration)} with 5 s for the last acks. */
    public void closeAll() {
        closeAll(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        timers.shutdownNow();
        liveness.flush();
        queueDepths.flush();
        workerHellos.close(); // before the per-socket writes that wait on it
        directoryWrites.shutdown();
        try {
            directoryWrites.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (AgentConnection c : live) {
            try {
                c.checkTimeouts(now);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "timeout check failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ for connections

    GatewayConfig config() {
        return config;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    BearerAuth auth() {
        return auth;
    }

    ConnectionRegistry registry() {
        return registry;
    }

    LivenessCoalescer liveness() {
        return liveness;
    }

    /** Where a connection hands the queue depths of each heartbeat (adapter_health). */
    public QueueDepths queueDepths() {
        return queueDepths;
    }

    Directory directory() {
        return directory;
    }

    CommandStore commands() {
        return commands;
    }

    IngestPipeline pipeline() {
        return pipeline;
    }

    /** The HMACs of a project's frames, shared by all its connections (the secret is derived once). */
    MacPool projectMacs(UUID projectId) {
        return projectMacs.computeIfAbsent(projectId, id -> new MacPool(Secrets.projectSecret(config.masterSecret(), id)));
    }

    void track(AgentConnection c) {
        live.add(c);
    }

    void untrack(AgentConnection c) {
        live.remove(c);
    }

    /** A queue of writes run in order, for one connection. */
    SerialWrites serialWrites() {
        return new SerialWrites(directoryWrites);
    }

    void directoryWrite(DirectoryWrite write) {
        try {
            directoryWrites.execute(() -> {
                try {
                    write.run();
                } catch (StoreException | RuntimeException e) {
                    LOG.log(Level.WARNING, "agent directory update failed: {0}", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.FINE, "directory write after shutdown dropped");
        }
    }
}
