package dev.z4j.brain.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects, agents and agent liveness: everything the gateway and the REST API look up
 * or record besides events. Thread-safe (called from many connection threads).
 */
public interface Directory {

    record Project(UUID id, String slug, String name, Instant createdAt) {}

    /** An agent = one minted token. {@code revoked} agents must not authenticate. */
    record Agent(UUID id, UUID projectId, String name, boolean revoked) {}

    /** What a {@code hello} told us about one (agent, worker) connection. */
    record WorkerHello(
            UUID agentId,
            UUID projectId,
            String workerId,          // null = legacy single slot
            String role,
            String framework,
            Integer pid,
            Instant startedAt,
            String protocolVersion,
            String agentVersion,
            String enginesJson,       // JSON array text
            String schedulersJson,    // JSON array text
            String capabilitiesJson,  // JSON object text
            String hostJson) {}       // JSON object text

    /** One coalesced liveness observation: the newest seen time of an (agent, worker). */
    record Liveness(UUID agentId, String workerId, Instant seenAt) {}

    record ProjectStats(long events, long tasks, java.util.Map<String, Long> tasksByState,
                        long agentsOnline, long workersOnline) {}

    Project createProject(String slug, String name) throws StoreException;

    Optional<Project> projectBySlug(String slug) throws StoreException;

    Optional<Project> projectById(UUID id) throws StoreException;

    /** Stores only {@code tokenHash} (docs/PROTOCOL.md 1.2); the plaintext never reaches the store. */
    Agent createAgent(UUID projectId, String name, String tokenHash) throws StoreException;

    Optional<Agent> agentByTokenHash(String tokenHash) throws StoreException;

    Optional<Agent> agentById(UUID agentId) throws StoreException;

    /** Upserts the agent_workers row as online and marks the agent online (hello accepted). */
    void workerConnected(WorkerHello hello, Instant now) throws StoreException;

    /** One accepted hello and when it was accepted. */
    record Connected(WorkerHello hello, Instant at) {}

    /**
     * {@link #workerConnected} for many sockets in one transaction, applied in list order (a later
     * hello of the same worker wins): a connect storm costs a few round trips, not one per socket.
     */
    void workersConnected(List<Connected> connects) throws StoreException;

    /**
     * Marks the worker offline; the agent goes offline when it has no online worker left and
     * no connect happened after {@code connectedAt}.
     */
    void workerDisconnected(UUID agentId, String workerId, Instant connectedAt, Instant now)
            throws StoreException;

    /**
     * Applies many heartbeats in one statement per table: last_seen_at only moves forward
     * ({@code GREATEST}), and a wrongly-offline agent/worker comes back online.
     */
    void touch(Collection<Liveness> seen) throws StoreException;

    /** The depth of one queue as an agent last reported it (heartbeat {@code <engine>.queue_depths}). */
    record QueueDepth(UUID projectId, String engine, String queue, int pendingCount) {}

    /**
     * Stores each queue's reported depth ({@code pending_count}), creating the queue row when the
     * queue was never named by an event; one statement per table, rows in key order.
     */
    void recordQueueDepths(Collection<QueueDepth> depths) throws StoreException;

    /** Marks agents/workers offline whose last_seen_at is older than {@code cutoff}. */
    int markStaleOffline(Instant cutoff) throws StoreException;

    ProjectStats stats(UUID projectId) throws StoreException;
}
