package dev.z4j.brain.ingress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the agent gateway needs to know. Operator input is validated in ops' BrainConfig; these
 * checks only guard programming errors.
 *
 * @param masterSecret      Z4J_SECRET as UTF-8 bytes (derives project secrets and token hashes)
 * @param previousSecrets   Z4J_PREVIOUS_SECRETS: still accepted for bearer tokens only
 * @param maxMessageBytes   Z4J_WS_MAX_FRAME_BYTES: larger messages are closed with 4400
 * @param idleTimeout       Z4J_WS_IDLE_TIMEOUT_SECONDS: no message for this long closes with 4408
 * @param helloTimeout      Z4J_WS_HELLO_TIMEOUT_SECONDS: no hello by then closes with 4408
 * @param heartbeatInterval told to agents in hello_ack
 * @param brainVersion      reported in hello_ack (the z4j line we emulate)
 * @param resendBrake       Z4J_WS_RESEND_BRAKE: stop reading agents that re-send acked batches (ResendBrake)
 * @param authLookups       Z4J_AUTH_LOOKUPS: agent-token lookups against the database at once (LookupGate)
 * @param authCacheEntries  Z4J_AUTH_CACHE_ENTRIES: agents kept by token hash (TokenCache); 0 = no cache
 */
public record GatewayConfig(byte[] masterSecret, List<byte[]> previousSecrets, int maxMessageBytes,
                            Duration idleTimeout, Duration helloTimeout, int heartbeatInterval,
                            String brainVersion, boolean resendBrake, int authLookups,
                            int authCacheEntries) {
    public GatewayConfig {
        Objects.requireNonNull(masterSecret, "masterSecret");
        previousSecrets = List.copyOf(previousSecrets);
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1024");
        }
        if (authLookups < 1 || authCacheEntries < 0) {
            throw new IllegalArgumentException("authLookups must be >= 1 and authCacheEntries >= 0");
        }
    }
}
