package dev.z4j.brain.registry;

import dev.z4j.brain.store.CommandStore;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/** The agent sockets this replica holds (implemented by the agent gateway). */
public interface LocalAgents {

    /**
     * If this replica holds a socket of the agent: claim the command (pending -> dispatched, only
     * one replica can win) and push it. Returns true if it was pushed here or is no longer pending;
     * false if this replica holds no socket of the agent or could not claim. Ids are enough (a
     * NOTIFY carries no more): the claim returns the row it claimed, so nothing is read before it.
     */
    boolean deliver(UUID commandId, UUID agentId);

    /** {@link #deliver(UUID, UUID)} for a command at hand. */
    default boolean deliver(CommandStore.Command command) {
        return deliver(command.id(), command.agentId());
    }

    /**
     * For these agents (held here): release unacknowledged commands whose socket is gone and push
     * pending ones. Blocks on the database; call it from a worker thread.
     */
    void reconcile(Collection<UUID> agentIds);

    /** Agent ids with at least one socket on this replica (a copy: for the reconcile pass). */
    Set<UUID> heldAgents();

    /** Whether this replica holds a socket of {@code agentId} (cheap: per notification). */
    boolean holds(UUID agentId);

    /**
     * Another replica accepted a socket for (agent, worker) at {@code connectedAt}: close ours
     * with 4002 if it is older.
     */
    void displaceIfOlder(UUID agentId, String workerId, Instant connectedAt);

    /** The agent was deleted: close every socket of it held here with 4003; returns how many. */
    int revoke(UUID agentId);
}
