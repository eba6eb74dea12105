package dev.z4j.brain.protocol;

import java.util.Objects;

/**
 * The three strings injected into every signed envelope of one session (docs/PROTOCOL.md 5.1),
 * byte-identical to what {@code hello_ack} told the agent.
 */
public record SessionBinding(String agentId, String projectId, String sessionId) {
    public SessionBinding {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
