package dev.z4j.brain.ingress;

import dev.z4j.brain.protocol.JsonWriter;
import dev.z4j.brain.protocol.ProtocolException;
import dev.z4j.brain.protocol.Timestamps;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.FieldCaps;
import dev.z4j.brain.store.TaskFacts;
import dev.z4j.brain.store.TaskFold;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns one agent event object into an {@link EventRow}: field caps ({@link FieldCaps}), kind,
 * clamped occurred_at, and the content-derived id that makes resends,
 * restarts, reconnects and N agents reporting the same Celery event collapse into one row.
 */
public final class EventNormalizer {
    /** uuid5 namespace of the original brain. */
    static final UUID NAMESPACE = UUID.fromString("c4d2c84e-2f0a-4b6c-9c5b-1d6f9a1e7c2a");
    static final Duration PAST_CLAMP = Duration.ofDays(400);
    static final Duration FUTURE_CLAMP = Duration.ofSeconds(60);

    static final Set<String> KINDS = Set.of(
            "task.sent", "task.received", "task.started", "task.succeeded", "task.failed", "task.retried",
            "task.revoked", "task.rejected", "worker.online", "worker.offline", "worker.heartbeat",
            "queue.depth_report", "schedule.run_started", "schedule.run_completed", "schedule.created",
            "schedule.updated", "schedule.deleted", "schedule.snapshot");
    private static final Map<String, String> TASK_STATE = Map.of(
            "task.received", "received", "task.started", "started", "task.succeeded", "success",
            "task.failed", "failure", "task.retried", "retry", "task.revoked", "revoked");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Why an event was refused (metric label). */
    public static final class Rejected extends Exception {
        private final String reason;

        Rejected(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private EventNormalizer() {}

    public static EventRow normalize(Map<String, Object> event, UUID projectId, UUID agentId, Instant receivedAt)
            throws Rejected {
        String engine = requiredText(event.get("engine"), "engine", FieldCaps.ENGINE);
        String rawKind = requiredText(event.get("kind"), "kind", FieldCaps.KIND);
        String kind = KINDS.contains(rawKind) ? rawKind : "unknown";
        Object tid = event.get("task_id");
        String taskId = tid == null ? "" : text(tid, "task_id", FieldCaps.TASK_ID);
        Instant occurredAt = occurredAt(event.get("occurred_at"), receivedAt);
        Map<String, Object> data = event.get("data") instanceof Map<?, ?> m ? cast(m) : Map.of();
        String payload = json(data);

        UUID id = eventId(projectId, agentId, taskId, kind, occurredAt, event);
        String queue = reference(data.get("queue"));
        String worker = reference(data.get("worker"));
        TaskFacts task = taskId.isEmpty() || kind.equals("unknown") || !kind.startsWith("task.")
                ? null : taskFacts(kind, taskId, data);
        return new EventRow(id, projectId, agentId, engine, taskId, kind, occurredAt, receivedAt, payload, task,
                queue, worker);
    }

    /**
     * Task events: uuid5 of project, task id, kind and whole seconds of occurred_at, so every agent
     * reporting the same broker event agrees; others: uuid5 of the agent's v4/v7 id, and events with
     * neither get a content hash (never random, so a resend stays a duplicate).
     */
    static UUID eventId(UUID projectId, UUID agentId, String taskId, String kind, Instant occurredAt,
                        Map<String, Object> event) {
        if (!taskId.isEmpty()) {
            return uuid5(NAMESPACE, projectId + ":" + taskId + ":" + kind + ":" + occurredAt.getEpochSecond());
        }
        if (event.get("id") instanceof String raw && UUID_TEXT.matcher(raw).matches()) {
            UUID agentEventId = UUID.fromString(raw);
            int version = agentEventId.version();
            if ((version == 4 || version == 7) && agentEventId.getMostSignificantBits() != -1L) {
                return uuid5(NAMESPACE, projectId + ":" + agentEventId);
            }
        }
        // The original falls back to a random id, which makes resends duplicate; hash the content instead.
        return uuid5(NAMESPACE, projectId + ":" + agentId + ":"
                + new String(JsonWriter.canonical(event), StandardCharsets.UTF_8)); // key order must not matter
    }

    static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-1
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    private static Instant occurredAt(Object raw, Instant now) {
        if (!(raw instanceof String s)) {
            return now;
        }
        Instant t;
        try {
            t = Timestamps.parseAssumingUtc(s);
        } catch (DateTimeParseException e) {
            return now;
        }
        // Clamp: an agent clock far off must not lock a task's state or land outside retention.
        if (t.isBefore(now.minus(PAST_CLAMP)) || t.isAfter(now.plus(FUTURE_CLAMP))) {
            return now;
        }
        return t;
    }

    private static TaskFacts taskFacts(String kind, String taskId, Map<String, Object> data) {
        String state = TASK_STATE.get(kind);
        String name = data.get("task_name") instanceof String n && !n.isEmpty()
                ? FieldCaps.cut(n, FieldCaps.TASK_NAME) : null;
        String priority = data.get("priority") instanceof String p ? TaskFold.priority(p) : null;
        boolean received = kind.equals("task.received");
        boolean startedOrReceived = received || kind.equals("task.started");
        String args = startedOrReceived && data.containsKey("args") ? json(data.get("args")) : null;
        String kwargs = startedOrReceived && data.containsKey("kwargs") ? json(data.get("kwargs")) : null;
        boolean succeeded = kind.equals("task.succeeded");
        String result = succeeded && data.containsKey("result") ? json(data.get("result")) : null;
        Long runtimeMs = succeeded && data.get("runtime_ms") instanceof Number n ? n.longValue() : null;
        boolean failed = kind.equals("task.failed");
        String exception = failed ? FieldCaps.cut(asText(data.get("exception")), FieldCaps.FAILURE_TEXT) : null;
        String traceback = failed ? FieldCaps.cut(asText(data.get("traceback")), FieldCaps.FAILURE_TEXT) : null;
        Integer retryCount = data.get("retry_count") instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE
                ? l.intValue() : null;
        String parent = received && data.get("parent_task_id") instanceof String ref
                ? TaskFold.canvasReference(ref, taskId) : null;
        String root = received && data.get("root_task_id") instanceof String ref
                ? TaskFold.canvasReference(ref, taskId) : null;
        return new TaskFacts(state, name, priority, args, kwargs, result, runtimeMs, exception, traceback,
                retryCount, parent, root);
    }

    private static String requiredText(Object raw, String field, int max) throws Rejected {
        String s = raw instanceof String str ? str.strip() : null;
        if (s == null || s.isEmpty()) {
            throw new Rejected("missing_" + field, field + " must be a non-empty string");
        }
        if (!FieldCaps.fits(s, max)) {
            throw new Rejected("field_too_long", field + " longer than " + max + " characters");
        }
        return s;
    }

    private static String text(Object raw, String field, int max) throws Rejected {
        if (!(raw instanceof String s)) {
            throw new Rejected("bad_" + field, field + " must be a string");
        }
        if (!FieldCaps.fits(s, max)) {
            throw new Rejected("field_too_long", field + " longer than " + max + " characters");
        }
        return s;
    }

    /** A queue or worker name; absent when not a string, empty or too long (a cut name would name another). */
    private static String reference(Object raw) {
        return raw instanceof String s ? FieldCaps.reference(s) : null;
    }

    private static String asText(Object raw) {
        if (raw == null) {
            return null;
        }
        return raw instanceof String s ? s : json(raw);
    }

    /**
     * Compact JSON text of a parsed value. NUL characters become U+FFFD: PostgreSQL jsonb cannot
     * store a NUL escape, and losing the whole event over one character would be worse.
     */
    static String json(Object value) {
        String s;
        try {
            s = new String(JsonWriter.wire(value), StandardCharsets.UTF_8);
        } catch (ProtocolException e) {
            return "{}"; // unreachable for verified frames: they were serialisable to be signed
        }
        return s.contains("\\u0000") ? replaceNulEscapes(s) : s;
    }

    /** Rewrites each JSON NUL escape as the U+FFFD escape, leaving other escape pairs alone. */
    private static String replaceNulEscapes(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (s.startsWith("u0000", i + 1)) {
                    out.append("\\ufffd");
                    i += 6;
                } else {
                    out.append(c).append(s.charAt(i + 1)); // an escape pair: never split it
                    i += 2;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
