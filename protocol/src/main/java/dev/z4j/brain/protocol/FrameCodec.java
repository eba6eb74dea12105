package dev.z4j.brain.protocol;

import dev.z4j.brain.protocol.Frame.AgentStatus;
import dev.z4j.brain.protocol.Frame.Command;
import dev.z4j.brain.protocol.Frame.CommandAck;
import dev.z4j.brain.protocol.Frame.CommandResult;
import dev.z4j.brain.protocol.Frame.EventBatch;
import dev.z4j.brain.protocol.Frame.EventBatchAck;
import dev.z4j.brain.protocol.Frame.Heartbeat;
import dev.z4j.brain.protocol.Frame.Hello;
import dev.z4j.brain.protocol.Frame.HelloAck;
import dev.z4j.brain.protocol.Frame.Payload;
import dev.z4j.brain.protocol.Frame.RegistryDelta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed frames to and from parsed JSON trees. Decoding enforces the field types and caps of
 * docs/PROTOCOL.md section 6 (defaults for absent fields, unknown fields ignored); encoding writes
 * every model field, nulls included, in pydantic declaration order (docs/PROTOCOL.md 5.7), so that
 * agents that validate strictly accept what we send.
 */
public final class FrameCodec {
    public static final int MAX_EVENTS_PER_BATCH = 5000;
    public static final int MAX_COMMAND_TIMEOUT_SECONDS = 3600;

    private FrameCodec() {}

    // ---------------------------------------------------------------- decode

    /** Decodes a parsed frame object whose type is known to be {@code type}. */
    public static Frame decode(Map<String, Object> tree, FrameType type) {
        Object v = tree.get("v");
        if (!(v instanceof Long l) || l != 2) {
            throw invalid("v must be the integer 2");
        }
        String id = Fields.str(tree, "id", 1, 64, null, false);
        String ts = tree.get("ts") == null ? null : Fields.str(tree, "ts", 0, 64, null, false);
        String nonce = null;
        Long seq = null;
        String hmac = null;
        if (type.signed()) {
            nonce = Fields.str(tree, "nonce", 0, 32, null, false);
            seq = Fields.integer(tree, "seq", 0, Long.MAX_VALUE, null);
            hmac = Fields.str(tree, "hmac", 0, 128, null, false);
        }
        Object p = tree.get("payload");
        Map<String, Object> payload = p == null ? Map.of() : Fields.asObject(p, "payload");
        return new Frame(type, id, ts, nonce, seq, hmac, decodePayload(type, payload));
    }

    private static Payload decodePayload(FrameType type, Map<String, Object> p) {
        return switch (type) {
            case HELLO -> new Hello(
                    Fields.str(p, "protocol_version", 0, 40, null, false),
                    Fields.str(p, "agent_version", 0, 40, null, false),
                    Fields.str(p, "framework", 0, 40, null, false),
                    Fields.strings(p, "engines", 64, 1 << 20),
                    Fields.strings(p, "schedulers", 64, 1 << 20),
                    capabilities(p),
                    Fields.object(p, "host", Map.of()),
                    Fields.str(p, "worker_id", 0, 128, null, true),
                    Fields.str(p, "worker_role", 0, 32, null, true),
                    Fields.integerOrNull(p, "worker_pid", 0, Integer.MAX_VALUE),
                    Fields.dateTimeOrNull(p, "worker_started_at"));
            case HELLO_ACK -> new HelloAck(
                    Fields.str(p, "protocol_version", 0, 40, null, false),
                    Fields.str(p, "brain_version", 0, 40, null, false),
                    Fields.str(p, "agent_id", 0, 64, null, false),
                    Fields.str(p, "project_id", 0, 64, null, false),
                    Fields.str(p, "session_id", 0, 64, null, false),
                    Fields.integer(p, "heartbeat_interval_seconds", 1, 3600, 10L),
                    Fields.integer(p, "max_frame_size_bytes", 1024, 67_108_864, 1_048_576L));
            case EVENT_BATCH -> new EventBatch(events(p));
            case EVENT_BATCH_ACK -> new EventBatchAck(
                    Fields.str(p, "acked_id", 0, 64, "", false),
                    Fields.integer(p, "received", 0, Long.MAX_VALUE, null),
                    Fields.integer(p, "accepted", 0, Long.MAX_VALUE, null),
                    Fields.integer(p, "rejected", 0, Long.MAX_VALUE, null));
            case HEARTBEAT -> new Heartbeat(
                    Fields.integer(p, "buffer_size", 0, 10_000_000, 0L),
                    Fields.dateTimeOrNull(p, "last_flush_at"),
                    Fields.integer(p, "dropped_events", 0, 10_000_000, 0L),
                    stringMap(p, "adapter_health"));
            case AGENT_STATUS -> new AgentStatus(
                    Fields.integer(p, "auth_failure_streak", 0, 1_000_000, 0L),
                    Fields.integer(p, "protocol_failure_streak", 0, 1_000_000, 0L),
                    Fields.integer(p, "connection_failure_streak", 0, 1_000_000, 0L),
                    Fields.dateTimeOrNull(p, "last_successful_connect_at"),
                    Fields.numberOrNull(p, "current_session_age_seconds", 0, 315_360_000),
                    Fields.integer(p, "buffer_depth", 0, 10_000_000, 0L),
                    Fields.numberOrNull(p, "buffer_oldest_age_seconds", Double.NEGATIVE_INFINITY, Double.MAX_VALUE),
                    Fields.str(p, "agent_version", 0, 40, "", false),
                    Fields.str(p, "protocol_version", 0, 10, "2", false),
                    Fields.strings(p, "engines", 32, 1 << 20),
                    Fields.strings(p, "schedulers", 32, 1 << 20));
            case COMMAND -> new Command(
                    Fields.str(p, "action", 0, 80, null, false),
                    Fields.object(p, "target", Map.of()),
                    Fields.object(p, "parameters", Map.of()),
                    Fields.integer(p, "timeout_seconds", 1, MAX_COMMAND_TIMEOUT_SECONDS, 60L),
                    Fields.str(p, "issued_by", 0, 64, null, true));
            case COMMAND_ACK -> new CommandAck(p);
            case COMMAND_RESULT -> new CommandResult(
                    commandStatus(p),
                    p.get("result") == null ? null : Fields.object(p, "result", null),
                    Fields.str(p, "error", 0, 8192, null, true));
            case REGISTRY_DELTA -> new RegistryDelta(
                    Fields.str(p, "engine", 0, 40, null, false),
                    Fields.list(p, "added", 10_000),
                    Fields.list(p, "removed", 10_000),
                    Fields.list(p, "updated", 10_000));
            case ERROR -> new Frame.Error(
                    Fields.str(p, "code", 0, 80, null, false),
                    Fields.str(p, "message", 0, 8192, null, false),
                    Fields.bool(p, "fatal", false));
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(Map<String, Object> p) {
        List<Object> raw = Fields.list(p, "events", MAX_EVENTS_PER_BATCH);
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof Map)) {
                throw invalid("payload.events[" + i + "] must be an object");
            }
        }
        return (List<Map<String, Object>>) (List<?>) raw;
    }

    private static Map<String, Object> capabilities(Map<String, Object> p) {
        Map<String, Object> caps = Fields.object(p, "capabilities", Map.of());
        for (Map.Entry<String, Object> e : caps.entrySet()) {
            if (!(e.getValue() instanceof List<?> l) || !l.stream().allMatch(String.class::isInstance)) {
                throw invalid("payload.capabilities." + e.getKey() + " must be a list of strings");
            }
        }
        return caps;
    }

    private static Map<String, Object> stringMap(Map<String, Object> p, String key) {
        Map<String, Object> m = Fields.object(p, key, Map.of());
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw invalid("payload." + key + "." + e.getKey() + " must be a string");
            }
        }
        return m;
    }

    private static String commandStatus(Map<String, Object> p) {
        String s = Fields.str(p, "status", 0, 16, null, false);
        if (!s.equals("success") && !s.equals("failed")) {
            throw invalid("payload.status must be 'success' or 'failed'");
        }
        return s;
    }

    static ProtocolException invalid(String message) {
        return new ProtocolException(ProtocolException.Reason.INVALID_FIELD, message);
    }

    // ---------------------------------------------------------------- encode

    /**
     * The wire object of {@code f}: {@code v, id, ts, [nonce, seq, hmac,] type, payload}, every model
     * field present. Unsigned outbound fields (nonce/seq/hmac null) are written as null; the signer
     * fills them first.
     */
    public static Map<String, Object> encode(Frame f) {
        Map<String, Object> m = new LinkedHashMap<>(12);
        m.put("v", 2L);
        m.put("id", f.id());
        m.put("ts", f.ts());
        if (f.type().signed()) {
            m.put("nonce", f.nonce());
            m.put("seq", f.seq());
            m.put("hmac", f.hmac());
        }
        m.put("type", f.type().wire());
        m.put("payload", encodePayload(f.payload()));
        return m;
    }

    public static Map<String, Object> encodePayload(Payload payload) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (payload) {
            case Hello h -> {
                m.put("protocol_version", h.protocolVersion());
                m.put("agent_version", h.agentVersion());
                m.put("framework", h.framework());
                m.put("engines", h.engines());
                m.put("schedulers", h.schedulers());
                m.put("capabilities", h.capabilities());
                m.put("host", h.host());
                m.put("worker_id", h.workerId());
                m.put("worker_role", h.workerRole());
                m.put("worker_pid", h.workerPid());
                m.put("worker_started_at", h.workerStartedAt());
            }
            case HelloAck a -> {
                m.put("protocol_version", a.protocolVersion());
                m.put("brain_version", a.brainVersion());
                m.put("agent_id", a.agentId());
                m.put("project_id", a.projectId());
                m.put("session_id", a.sessionId());
                m.put("heartbeat_interval_seconds", a.heartbeatIntervalSeconds());
                m.put("max_frame_size_bytes", a.maxFrameSizeBytes());
            }
            case EventBatch b -> m.put("events", b.events());
            case EventBatchAck a -> {
                m.put("acked_id", a.ackedId());
                m.put("received", a.received());
                m.put("accepted", a.accepted());
                m.put("rejected", a.rejected());
            }
            case Heartbeat h -> {
                m.put("buffer_size", h.bufferSize());
                m.put("last_flush_at", h.lastFlushAt());
                m.put("dropped_events", h.droppedEvents());
                m.put("adapter_health", h.adapterHealth());
            }
            case AgentStatus s -> {
                m.put("auth_failure_streak", s.authFailureStreak());
                m.put("protocol_failure_streak", s.protocolFailureStreak());
                m.put("connection_failure_streak", s.connectionFailureStreak());
                m.put("last_successful_connect_at", s.lastSuccessfulConnectAt());
                m.put("current_session_age_seconds", s.currentSessionAgeSeconds());
                m.put("buffer_depth", s.bufferDepth());
                m.put("buffer_oldest_age_seconds", s.bufferOldestAgeSeconds());
                m.put("agent_version", s.agentVersion());
                m.put("protocol_version", s.protocolVersion());
                m.put("engines", s.engines());
                m.put("schedulers", s.schedulers());
            }
            case Command c -> {
                m.put("action", c.action());
                m.put("target", c.target());
                m.put("parameters", c.parameters());
                m.put("timeout_seconds", c.timeoutSeconds());
                m.put("issued_by", c.issuedBy());
            }
            case CommandAck a -> m.putAll(a.body());
            case CommandResult r -> {
                m.put("status", r.status());
                m.put("result", r.result());
                m.put("error", r.error());
            }
            case RegistryDelta d -> {
                m.put("engine", d.engine());
                m.put("added", d.added());
                m.put("removed", d.removed());
                m.put("updated", d.updated());
            }
            case Frame.Error e -> {
                m.put("code", e.code());
                m.put("message", e.message());
                m.put("fatal", e.fatal());
            }
        }
        return m;
    }
}
