package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.UUID;

/** An agent as command issuing needs it: its project, whether it is online, how new it is. */
public record AgentRef(UUID id, UUID projectId, String state, boolean revoked, Instant createdAt) {
    public boolean online() {
        return "online".equals(state) && !revoked;
    }
}
