package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Operator commands and their lifecycle (docs/PROTOCOL.md 9.3): pending -> dispatched -> completed |
 * failed | timeout. Every transition is a conditional UPDATE, so two replicas can never both
 * claim, and a late result never overwrites a timeout. Thread-safe.
 *
 * <p>Delivery is at-least-once until the agent's {@code command_ack}: a claim names the socket it
 * is for ({@code dispatchedTo}); until the agent acknowledges, losing that socket {@link #release
 * releases} the command back to pending, and it is pushed again wherever the agent is. Agents
 * drop a command id they already saw (300 s), so a repeat costs one more ack, not a second run.
 */
public interface CommandStore {

    /** What an operator asked for; {@code parametersJson} and {@code targetJson} are JSON objects. */
    record NewCommand(UUID projectId, UUID agentId, String action, String targetJson, String parametersJson,
                      int timeoutSeconds, String issuedBy, String idempotencyKey) {}

    /**
     * A stored command. {@code dispatchedTo} is the socket it was claimed for (null unless
     * dispatched); {@code ackedAt} is when the agent acknowledged it (null before).
     */
    record Command(UUID id, UUID projectId, UUID agentId, String action, String targetJson, String parametersJson,
                   int timeoutSeconds, String issuedBy, String status, Instant issuedAt, Instant dispatchedAt,
                   Instant finishedAt, Instant timeoutAt, String resultJson, String error, String dispatchedTo,
                   Instant ackedAt) {}

    /**
     * PostgreSQL: every command inserted as pending is NOTIFYed on this channel by the database at
     * the insert's commit (migration V021), payload {@code commandId|agentId}.
     */
    String ANNOUNCEMENTS = "z4j_commands";

    String PENDING = "pending";
    String DISPATCHED = "dispatched";
    String COMPLETED = "completed";
    String FAILED = "failed";
    String TIMEOUT = "timeout";

    /**
     * Stores a new pending command with {@code timeout_at = now + timeoutSeconds}. With an
     * idempotency key already used in the project, returns the existing command instead.
     */
    Command insert(NewCommand command, Instant now) throws StoreException;

    /**
     * {@link #insert}, but only if {@code command.agentId()} is an agent of the command's project, not
     * revoked, and online by the agents table unless {@code evenIfOffline}: the check and the insert
     * are one statement, so a request that issues a command needs no read of the agent before it
     * (one round trip fewer on the way to the agent). Empty, with nothing stored, when the agent
     * does not qualify, unless the idempotency key is already used in the project: that command is
     * returned, as by {@link #insert}.
     */
    Optional<Command> insertForAgent(NewCommand command, boolean evenIfOffline, Instant now) throws StoreException;

    Optional<Command> get(UUID id) throws StoreException;

    /** Newest first; {@code status} null means any. */
    List<Command> list(UUID projectId, String status, int limit) throws StoreException;

    /**
     * pending -> dispatched to {@code socket} if still pending and not expired: the command as
     * claimed for the one caller that won, empty for every other (also for an unknown id). One
     * statement that also reads the row, so a replica told only the command's id pushes it after
     * one round trip.
     */
    Optional<Command> claim(UUID id, String socket, Instant now) throws StoreException;

    /**
     * dispatched -> pending again, only while it is still dispatched to {@code socket} and the agent
     * has not acknowledged it (that socket went away first). True if it was released.
     */
    boolean release(UUID id, String socket) throws StoreException;

    /**
     * The agent's command_ack: from here on the command is the agent's and is never released.
     * Allowed from pending/dispatched (an ack may overtake a release) and only for the command's own
     * project and agent; a pending command becomes dispatched. True if this call recorded the ack.
     */
    boolean acknowledge(UUID id, UUID projectId, UUID agentId, Instant now) throws StoreException;

    /** Pending commands of an agent, oldest first (drained when the agent connects). */
    List<Command> pendingForAgent(UUID agentId, int limit) throws StoreException;

    /** Pending commands of any of these agents, oldest first (reconcile after a LISTEN gap). */
    List<Command> pendingForAgents(java.util.Collection<UUID> agentIds, int limit) throws StoreException;

    /**
     * Unexpired commands of any of these agents dispatched before {@code dispatchedBefore} and not
     * acknowledged, oldest dispatch first (the reconcile releases those whose socket is gone).
     */
    List<Command> unackedForAgents(java.util.Collection<UUID> agentIds, Instant dispatchedBefore, int limit)
            throws StoreException;

    /**
     * command_ack or command_result from the agent: success -> completed, else failed (error
     * truncated to 1024 chars). Allowed only from pending/dispatched and only for the command's own
     * project and agent; returns false when nothing changed (late result after timeout, wrong agent).
     */
    boolean finish(UUID id, UUID projectId, UUID agentId, boolean success, String resultJson, String error,
                   Instant now) throws StoreException;

    /** pending/dispatched rows past timeout_at become timeout; returns them (for notices). */
    List<Command> expire(Instant now) throws StoreException;
}
