package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.UUID;

/**
 * A validated typed command, before it is stored: what the agent is asked to do and to what.
 *
 * @param needs          the least project role allowed to issue it
 * @param targetEngine   copied into the stored target so multi-engine agents route it, or null
 * @param agentId        the agent asked for, or null for the project's newest online agent
 * @param idempotencyKey a key already used in the project returns that command instead, or null
 */
public record CommandIntent(Role needs, String action, String targetType, String targetId, String targetEngine,
                            ObjectNode payload, UUID agentId, String idempotencyKey) {
    public CommandIntent {
        Objects.requireNonNull(needs, "needs");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(targetType, "targetType");
        Objects.requireNonNull(payload, "payload");
    }
}
