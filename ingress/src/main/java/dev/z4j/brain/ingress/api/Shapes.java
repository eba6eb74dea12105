package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.read.EventView;
import dev.z4j.brain.store.read.QueueView;
import dev.z4j.brain.store.read.TaskTree;
import dev.z4j.brain.store.read.TaskView;
import dev.z4j.brain.store.read.WorkerView;
import java.io.IOException;
import java.util.List;

/**
 * The JSON shapes of the operator API, in one place, field for field as the original brain's
 * response models (every declared field is always written, arrays are never null). Each writer
 * takes the store's row record; the names below are the original's model names.
 */
public final class Shapes {
    private Shapes() {}

    /** Writes one item of a list. */
    @FunctionalInterface
    public interface ItemWriter<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    /** The cursor envelope {@code {"items": [...], "next_cursor": str|null}}. */
    public static <T> Answer.Body page(List<T> items, ItemWriter<T> item, String nextCursor) {
        return g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (T t : items) {
                item.write(g, t);
            }
            g.writeEndArray();
            Json.text(g, "next_cursor", nextCursor);
            g.writeEndObject();
        };
    }

    /** A bare JSON array. */
    public static <T> Answer.Body array(List<T> items, ItemWriter<T> item) {
        return g -> {
            g.writeStartArray();
            for (T t : items) {
                item.write(g, t);
            }
            g.writeEndArray();
        };
    }

    /** TaskPublic. {@code priority} is the stored one (the original always says "normal"). */
    public static void task(JsonGenerator g, TaskView t) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", t.id().toString());
        g.writeStringField("project_id", t.projectId().toString());
        g.writeStringField("engine", t.engine());
        g.writeStringField("task_id", t.taskId());
        g.writeStringField("name", t.name() == null ? "" : t.name());
        Json.text(g, "queue", t.queue());
        g.writeStringField("state", t.state());
        g.writeStringField("priority", t.priority());
        Json.raw(g, "args", t.argsJson());
        Json.raw(g, "kwargs", t.kwargsJson());
        Json.raw(g, "result", t.resultJson());
        Json.text(g, "exception", t.exception());
        Json.text(g, "traceback", t.traceback());
        g.writeNumberField("retry_count", t.retryCount());
        Json.time(g, "eta", t.eta());
        Json.time(g, "received_at", t.receivedAt());
        Json.time(g, "started_at", t.startedAt());
        Json.time(g, "finished_at", t.finishedAt());
        Json.number(g, "runtime_ms", t.runtimeMs());
        Json.text(g, "worker_name", t.workerName());
        Json.text(g, "parent_task_id", t.parentTaskId());
        Json.text(g, "root_task_id", t.rootTaskId());
        Json.strings(g, "tags", t.tags());
        Json.time(g, "created_at", t.createdAt());
        Json.time(g, "updated_at", t.updatedAt());
        g.writeEndObject();
    }

    /** TaskTreeResponse (nodes also carry started_at, which later releases of the original added). */
    public static Answer.Body tree(TaskTree tree) {
        return g -> {
            g.writeStartObject();
            g.writeStringField("root_task_id", tree.rootTaskId());
            g.writeNumberField("node_count", tree.nodes().size());
            g.writeBooleanField("truncated", tree.truncated());
            g.writeArrayFieldStart("nodes");
            for (TaskTree.Node n : tree.nodes()) {
                g.writeStartObject();
                g.writeStringField("task_id", n.taskId());
                g.writeStringField("name", n.name() == null ? "" : n.name());
                g.writeStringField("state", n.state());
                Json.text(g, "parent_task_id", n.parentTaskId());
                Json.text(g, "root_task_id", n.rootTaskId());
                Json.time(g, "received_at", n.receivedAt());
                Json.time(g, "started_at", n.startedAt());
                Json.time(g, "finished_at", n.finishedAt());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        };
    }

    /** EventPublic. */
    public static void event(JsonGenerator g, EventView e) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", e.id().toString());
        g.writeStringField("project_id", e.projectId().toString());
        g.writeStringField("agent_id", e.agentId().toString());
        g.writeStringField("engine", e.engine());
        g.writeStringField("task_id", e.taskId());
        g.writeStringField("kind", e.kind());
        Json.time(g, "occurred_at", e.occurredAt());
        Json.rawOr(g, "payload", e.payloadJson(), "{}");
        g.writeEndObject();
    }

    /** WorkerPublic; with {@code detail}, the worker detail's extra {@code metadata} object. */
    public static void worker(JsonGenerator g, WorkerView w, boolean detail) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", w.id().toString());
        g.writeStringField("project_id", w.projectId().toString());
        g.writeStringField("engine", w.engine());
        g.writeStringField("name", w.name());
        Json.text(g, "hostname", w.hostname());
        Json.number(g, "pid", w.pid());
        Json.number(g, "concurrency", w.concurrency());
        Json.strings(g, "queues", w.queues());
        g.writeStringField("state", w.state());
        Json.time(g, "last_heartbeat", w.lastHeartbeat());
        Json.raw(g, "load_average", w.loadAverageJson());
        g.writeNumberField("active_tasks", w.activeTasks());
        g.writeNumberField("processed", w.succeeded() + w.failed());
        g.writeNumberField("failed", w.failed());
        g.writeNumberField("succeeded", w.succeeded());
        g.writeNumberField("retried", w.retried());
        Json.time(g, "created_at", w.createdAt());
        if (detail) {
            Json.rawOr(g, "metadata", w.metadataJson(), "{}");
        }
        g.writeEndObject();
    }

    /** One queue of the queues page. */
    public static void queue(JsonGenerator g, QueueView q) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", q.id().toString());
        g.writeStringField("project_id", q.projectId().toString());
        g.writeStringField("name", q.name());
        g.writeStringField("engine", q.engine());
        Json.text(g, "broker_type", q.brokerType());
        Json.text(g, "broker_url_hint", q.brokerUrlHint());
        Json.time(g, "last_seen_at", q.lastSeenAt());
        Json.time(g, "created_at", q.createdAt());
        g.writeEndObject();
    }

    /**
     * CommandPublic: the stored target object becomes target_type and target_id, the parameters
     * are the payload, finished_at is completed_at. A purge's confirm_token is never shown (it
     * authorises a destructive action; later releases of the original redact it too).
     */
    public static void command(JsonGenerator g, CommandStore.Command c) throws IOException {
        JsonNode target = parse(c.targetJson());
        g.writeStartObject();
        g.writeStringField("id", c.id().toString());
        g.writeStringField("project_id", c.projectId().toString());
        Json.text(g, "agent_id", c.agentId() == null ? null : c.agentId().toString());
        Json.text(g, "issued_by", c.issuedBy());
        g.writeStringField("action", c.action());
        g.writeStringField("target_type", target.path("type").asText(""));
        JsonNode id = target.get("id");
        Json.text(g, "target_id", id == null || id.isNull() ? null : id.isTextual() ? id.textValue() : id.toString());
        g.writeFieldName("payload");
        JsonNode payload = parse(c.parametersJson());
        if (payload instanceof ObjectNode o && o.has("confirm_token") && !o.get("confirm_token").isNull()) {
            o.put("confirm_token", "<redacted>");
        }
        Json.MAPPER.writeTree(g, payload.isObject() ? payload : Json.MAPPER.createObjectNode());
        g.writeStringField("status", c.status());
        Json.raw(g, "result", c.resultJson());
        Json.text(g, "error", c.error());
        Json.time(g, "issued_at", c.issuedAt());
        Json.time(g, "dispatched_at", c.dispatchedAt());
        Json.time(g, "completed_at", c.finishedAt());
        Json.time(g, "timeout_at", c.timeoutAt());
        g.writeEndObject();
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode(); // stored by us as JSON; unreachable in practice
        }
    }
}
