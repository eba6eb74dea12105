package dev.z4j.brain.protocol;

import java.util.List;
import java.util.Map;

/**
 * One protocol v2 frame. Common fields are as on the wire ({@code ts} stays the exact string the
 * peer signed); {@code nonce}, {@code seq} and {@code hmac} are null on unsigned frames and on
 * outbound frames before signing.
 */
public record Frame(FrameType type, String id, String ts, String nonce, Long seq, String hmac, Payload payload) {

    /** A frame to be signed and sent: the signer fills ts, nonce, seq and hmac. */
    public static Frame outbound(String id, Payload payload) {
        return new Frame(payload.type(), id, null, null, null, null, payload);
    }

    /** Type-specific body; one record per frame type, fields in pydantic model order. */
    public sealed interface Payload {
        FrameType type();
    }

    public record Hello(String protocolVersion, String agentVersion, String framework, List<String> engines,
                        List<String> schedulers, Map<String, Object> capabilities, Map<String, Object> host,
                        String workerId, String workerRole, Long workerPid, String workerStartedAt)
            implements Payload {
        @Override
        public FrameType type() {
            return FrameType.HELLO;
        }
    }

    public record HelloAck(String protocolVersion, String brainVersion, String agentId, String projectId,
                           String sessionId, long heartbeatIntervalSeconds, long maxFrameSizeBytes)
            implements Payload {
        @Override
        public FrameType type() {
            return FrameType.HELLO_ACK;
        }
    }

    /** Events stay as parsed JSON objects: ingress validates and normalises each one. */
    public record EventBatch(List<Map<String, Object>> events) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.EVENT_BATCH;
        }
    }

    public record EventBatchAck(String ackedId, long received, long accepted, long rejected) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.EVENT_BATCH_ACK;
        }
    }

    public record Heartbeat(long bufferSize, String lastFlushAt, long droppedEvents, Map<String, Object> adapterHealth)
            implements Payload {
        @Override
        public FrameType type() {
            return FrameType.HEARTBEAT;
        }
    }

    public record AgentStatus(long authFailureStreak, long protocolFailureStreak, long connectionFailureStreak,
                              String lastSuccessfulConnectAt, Double currentSessionAgeSeconds, long bufferDepth,
                              Double bufferOldestAgeSeconds, String agentVersion, String protocolVersion,
                              List<String> engines, List<String> schedulers) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.AGENT_STATUS;
        }
    }

    public record Command(String action, Map<String, Object> target, Map<String, Object> parameters,
                          long timeoutSeconds, String issuedBy) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.COMMAND;
        }
    }

    /** Free-form (the agent sends {}). */
    public record CommandAck(Map<String, Object> body) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.COMMAND_ACK;
        }
    }

    public record CommandResult(String status, Map<String, Object> result, String error) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.COMMAND_RESULT;
        }
    }

    public record RegistryDelta(String engine, List<Object> added, List<Object> removed, List<Object> updated)
            implements Payload {
        @Override
        public FrameType type() {
            return FrameType.REGISTRY_DELTA;
        }
    }

    public record Error(String code, String message, boolean fatal) implements Payload {
        @Override
        public FrameType type() {
            return FrameType.ERROR;
        }
    }
}
