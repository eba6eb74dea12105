package dev.z4j.brain.registry;

import dev.z4j.brain.store.CommandStore;
import java.time.Instant;
import java.util.UUID;

/** One process: everything is local (SQLite, or PostgreSQL with a single replica by choice). */
public final class LocalRegistry implements Registry {
    private final LocalAgents agents;
    private final LocalDashboard dashboard;

    public LocalRegistry(LocalAgents agents, LocalDashboard dashboard) {
        this.agents = agents;
        this.dashboard = dashboard;
    }

    @Override
    public void start() {
    }

    @Override
    public void commandIssued(CommandStore.Command command) {
        agents.deliver(command); // not held: stays pending until the agent connects or it times out
    }

    @Override
    public void socketAccepted(UUID agentId, String workerId, Instant connectedAt) {
        // the gateway's own registry already displaced any older local socket
    }

    @Override
    public void agentRevoked(UUID agentId) {
        agents.revoke(agentId);
    }

    @Override
    public void publish(Notice notice) {
        dashboard.deliver(notice);
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
    }
}
