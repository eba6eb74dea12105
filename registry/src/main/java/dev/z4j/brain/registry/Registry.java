package dev.z4j.brain.registry;

import dev.z4j.brain.store.CommandStore;
import java.time.Instant;
import java.util.UUID;

/**
 * How replicas act as one brain: commands reach the replica holding the agent's socket, dashboard
 * notices reach subscribers on every replica, a reconnecting worker displaces its older socket
 * wherever it is. {@code local} for one process; {@code postgres_notify} for replicas on PostgreSQL.
 */
public interface Registry extends AutoCloseable {

    /** Starts listening (no-op for local). Call after the local sockets and hub exist. */
    void start();

    /** A command is pending (again, after a release): push it here if we hold the agent, else tell the others. */
    void commandIssued(CommandStore.Command command);

    /**
     * A command was just inserted as pending: push it here if we hold the agent. The other
     * replicas are told by the database itself where it can ({@link CommandStore#ANNOUNCEMENTS}),
     * so this sends nothing more; elsewhere it is {@link #commandIssued}.
     */
    default void commandInserted(CommandStore.Command command) {
        commandIssued(command);
    }

    /** A socket of (agent, worker) was accepted here at {@code connectedAt}. */
    void socketAccepted(UUID agentId, String workerId, Instant connectedAt);

    /** An agent was deleted: its sockets close with 4003 on every replica. */
    void agentRevoked(UUID agentId);

    /** Fans a notice out to dashboard subscribers on every replica (each exactly once). */
    void publish(Notice notice);

    /** True while the registry can reach the other replicas (always true for local). */
    boolean healthy();

    @Override
    void close();
}
