package dev.z4j.brain.ingress;

import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.registry.LocalAgents;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.websocket.WsListener;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code /ws/agent} endpoint: makes one {@link AgentConnection} per socket and owns what they
 * share (auth, registry, pipeline, liveness, project secrets, the timeout watchdog).
 */
public final class AgentGateway implements LocalAgents, AutoCloseable {
    /** Pending commands pushed to an agent when one of its sockets connects. */
    static final int DRAIN_ON_CONNECT = 500;
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
    private final Map<UUID, byte[]> projectSecrets = new ConcurrentHashMap<>();
    private final Set<AgentConnection> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "z4j-gateway-timers");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService directoryWrites = Executors.newVirtualThreadPerTaskExecutor();

    public AgentGateway(GatewayConfig config, Directory directory, CommandStore commands, IngestPipeline pipeline,
                        GatewayMetrics metrics, ConnectionRegistry registry) {
        this.config = config;
        this.directory = directory;
        this.commands = commands;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.registry = registry;
        this.auth = new BearerAuth(directory, config.masterSecret(), config.previousSecrets());
        this.liveness = new LivenessCoalescer(directory);
        timers.scheduleWithFixedDelay(this::checkTimeouts, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(liveness::flush, 2, 2, TimeUnit.SECONDS);
    }

    /** Connects the gateway to the replica registry (built after the gateway, which it calls back). */
    public void attach(Registry replicas) {
        this.replicas = replicas;
    }

    // ------------------------------------------------------------------ LocalAgents (for the registry)

    @Override
    public boolean deliver(CommandStore.Command command) {
        var slot = registry.any(command.agentId());
        if (slot.isEmpty()) {
            return false;
        }
        try {
            if (commands.claim(command.id(), Instant.now())) { // only the winner pushes: no double execution
                slot.get().push(command);
                publish(new Notice(command.projectId(), Notice.COMMAND_CHANGED, 1, command.id().toString()));
            }
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "could not claim command " + command.id() + ": " + e.getMessage());
        }
        return true;
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

    /** The agent was deleted: every socket of it here closes with 4003 (hello or not yet). */
    @Override
    public int revoke(UUID agentId) {
        int closed = 0;
        for (AgentConnection c : live) {
            if (agentId.equals(c.agentId())) {
                c.close(CloseCodes.REVOKED, "agent revoked");
                closed++;
            }
        }
        return closed;
    }

    /** Pushes the agent's pending commands to it (after a socket of it connected here). */
    void drainPending(java.util.UUID agentId) {
        directoryWrite(() -> {
            for (CommandStore.Command c : commands.pendingForAgent(agentId, DRAIN_ON_CONNECT)) {
                deliver(c);
            }
        });
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

    /** The listener factory for {@code WsRouting.endpoint("/ws/agent", gateway::newListener)}. */
    public WsListener newListener() {
        return new AgentConnection(this);
    }

    /** Number of open agent sockets. */
    public int openSockets() {
        return live.size();
    }

    /** Closes every agent socket with 1001 (graceful shutdown, after the pipeline drained). */
    public void closeAll() {
        for (AgentConnection c : live) {
            c.goingAway();
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        liveness.flush();
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

    Directory directory() {
        return directory;
    }

    CommandStore commands() {
        return commands;
    }

    IngestPipeline pipeline() {
        return pipeline;
    }

    byte[] projectSecret(UUID projectId) {
        return projectSecrets.computeIfAbsent(projectId, id -> Secrets.projectSecret(config.masterSecret(), id));
    }

    void track(AgentConnection c) {
        live.add(c);
    }

    void untrack(AgentConnection c) {
        live.remove(c);
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
