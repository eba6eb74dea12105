package dev.z4j.brain.ingress;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which agent sockets this replica holds, worker-first (docs/PROTOCOL.md 3.4): agent id, then worker
 * id ("" for the legacy slot), one live socket per pair. A reconnect of the same pair displaces
 * the older socket; new pairs beyond the per-agent cap are refused.
 */
public final class ConnectionRegistry {

    /** A held socket: it can take a command or be told to go away. */
    public interface Slot {
        void displace();

        /** When the socket's hello was accepted (cross-replica displacement keeps the newest). */
        java.time.Instant connectedAt();

        /** The id commands are claimed for ({@code CommandStore.claim}): unique to this socket. */
        SocketId socketId();

        /**
         * Queues a command claimed for this socket on its ordered writer. False when the socket is
         * already going away: the caller must release the claim.
         */
        boolean push(dev.z4j.brain.store.CommandStore.Command command);
    }

    /** What registering a socket did. */
    public enum Outcome { REGISTERED, DISPLACED_OLDER, OVER_CAP }

    private final int capPerAgent;
    private final Map<UUID, Map<String, Slot>> byAgent = new HashMap<>();

    public ConnectionRegistry(int capPerAgent) {
        this.capPerAgent = capPerAgent;
    }

    public Outcome register(UUID agentId, String workerId, Slot slot) {
        Slot older;
        synchronized (this) {
            Map<String, Slot> workers = byAgent.computeIfAbsent(agentId, k -> new HashMap<>());
            older = workers.get(workerId);
            if (older == null && capPerAgent > 0 && workers.size() >= capPerAgent) {
                return Outcome.OVER_CAP;
            }
            workers.put(workerId, slot);
        }
        if (older != null && older != slot) {
            older.displace(); // outside the lock: closing a socket may block
            return Outcome.DISPLACED_OLDER;
        }
        return Outcome.REGISTERED;
    }

    /** Removes the pair only if it still maps to {@code slot}; true if the agent has no socket left. */
    public synchronized boolean unregister(UUID agentId, String workerId, Slot slot) {
        Map<String, Slot> workers = byAgent.get(agentId);
        if (workers == null) {
            return true;
        }
        workers.remove(workerId, slot);
        if (workers.isEmpty()) {
            byAgent.remove(agentId);
            return true;
        }
        return false;
    }

    /** The socket commands for {@code agentId} go to (the first slot, as the reference), if any. */
    public synchronized Optional<Slot> any(UUID agentId) {
        Map<String, Slot> workers = byAgent.get(agentId);
        return workers == null ? Optional.empty() : workers.values().stream().findFirst();
    }

    public synchronized Optional<Slot> get(UUID agentId, String workerId) {
        Map<String, Slot> workers = byAgent.get(agentId);
        return workers == null ? Optional.empty() : Optional.ofNullable(workers.get(workerId));
    }

    public synchronized java.util.Set<UUID> agents() {
        return java.util.Set.copyOf(byAgent.keySet());
    }

    public synchronized int agentCount() {
        return byAgent.size();
    }
}
