package dev.z4j.brain.ingress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the agent gateway needs to know. Validation of operator input happens in ops' config;
 * these checks guard programming errors.
 *
 * @param masterSecret        Z4J_SECRET as UTF-8 bytes (derives project secrets and token hashes)
 * @param previousSecrets     Z4J_PREVIOUS_SECRETS: still accepted for bearer tokens only
 * @param maxMessageBytes     Z4J_WS_MAX_FRAME_BYTES: larger messages are closed with 4400
 * @param idleTimeout         Z4J_WS_IDLE_TIMEOUT_SECONDS: no message for this long closes with 4408
 * @param helloTimeout        how long a new socket may take to send hello
 * @param heartbeatInterval   told to agents in hello_ack
 * @param workerCapPerAgent   connections per agent id (0 = unlimited)
 * @param brainVersion        reported in hello_ack (the z4j line we emulate)
 */
public record GatewayConfig(byte[] masterSecret, List<byte[]> previousSecrets, int maxMessageBytes,
                            Duration idleTimeout, Duration helloTimeout, int heartbeatInterval,
                            int workerCapPerAgent, String brainVersion) {
    public GatewayConfig {
        Objects.requireNonNull(masterSecret, "masterSecret");
        previousSecrets = List.copyOf(previousSecrets);
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1024");
        }
    }

    public static GatewayConfig defaults(byte[] masterSecret) {
        return new GatewayConfig(masterSecret, List.of(), 1_048_576, Duration.ofSeconds(90), Duration.ofSeconds(10),
                10, 64, "1.6.9");
    }

    public GatewayConfig withIdleTimeout(Duration idle) {
        return new GatewayConfig(masterSecret, previousSecrets, maxMessageBytes, idle, helloTimeout, heartbeatInterval,
                workerCapPerAgent, brainVersion);
    }

    public GatewayConfig withHelloTimeout(Duration hello) {
        return new GatewayConfig(masterSecret, previousSecrets, maxMessageBytes, idleTimeout, hello, heartbeatInterval,
                workerCapPerAgent, brainVersion);
    }

    public GatewayConfig withMaxMessageBytes(int max) {
        return new GatewayConfig(masterSecret, previousSecrets, max, idleTimeout, helloTimeout, heartbeatInterval,
                workerCapPerAgent, brainVersion);
    }
}
