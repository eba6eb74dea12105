package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.ingress.StorableText;
import java.util.List;
import io.helidon.http.Status;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * This brain's generic command routes: {@code POST /projects/{slug}/commands} (any action the agents
 * know, an extension of the original's typed endpoints in {@link TypedCommandsApi}) and
 * {@code GET /commands/{id}}: validate, store as pending, hand to the registry (the holder of the
 * agent's socket claims and pushes). Answers in the original's CommandPublic shape.
 */
public final class CommandRoutes {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = Json.MAPPER;

    /** The actions z4j-bare 1.6.0 dispatches (docs/PROTOCOL.md 9.1); anything else is refused before storing. */
    static final Set<String> ACTIONS = Set.of(
            "submit_task", "retry_task", "cancel_task", "bulk_retry", "purge_queue", "requeue_dead_letter",
            "restart_worker", "pool_grow", "pool_shrink", "add_consumer", "cancel_consumer", "rate_limit",
            "reconcile_task", "schedule.enable", "schedule.disable", "schedule.trigger_now", "schedule.delete",
            "schedule.resync", "schedule.fire");
    static final int MAX_WIRE_TIMEOUT = 3600;

    private final CommandStore commands;
    private final Registry registry;
    private final int defaultTimeoutSeconds;

    private final dev.z4j.brain.store.Access access;

    CommandRoutes(CommandStore commands, Registry registry, int defaultTimeoutSeconds, dev.z4j.brain.store.Access access) {
        this.commands = commands;
        this.registry = registry;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
        this.access = access;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/projects/{slug}/commands", Tag.COMMANDS, Need.OPERATOR).status(Status.ACCEPTED_202)
                        .summary("Issue any agent action: {agent_id, action, target:{type,id}, parameters, timeout_seconds}")
                        .handle(c -> issue(c.project, c.bodyTree(), c)),
                Route.get("/commands/{id}", Tag.COMMANDS, Need.SIGNED_IN)
                        .summary("One command by id (any project the caller may view)").handle(this::get));
    }

    private Object issue(dev.z4j.brain.store.Projects.ProjectRecord project, JsonNode body, Call call)
            throws StoreException, ApiError {
        UUID agentId = uuid(body.get("agent_id"), "agent_id");
        String action = text(body.get("action"), "action", 80);
        if (!ACTIONS.contains(action)) {
            throw ApiError.validation("action", "unknown action '" + action + "'; supported: "
                    + new java.util.TreeSet<>(ACTIONS));
        }
        JsonNode target = body.get("target");
        if (target == null || !target.isObject() || !target.path("type").isTextual()) {
            throw ApiError.validation("target", "must be an object with a string 'type'");
        }
        JsonNode parameters = body.has("parameters") ? body.get("parameters") : JSON.createObjectNode();
        if (!parameters.isObject()) {
            throw ApiError.validation("parameters", "must be an object");
        }
        StorableText.checkTree("target", target);
        StorableText.checkTree("parameters", parameters);
        int timeout = Math.min(defaultTimeoutSeconds, MAX_WIRE_TIMEOUT);
        if (body.has("timeout_seconds")) {
            JsonNode t = body.get("timeout_seconds");
            if (!t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > MAX_WIRE_TIMEOUT) {
                throw ApiError.validation("timeout_seconds", "must be an integer 1..3600");
            }
            timeout = t.asInt();
        }
        String idempotencyKey = body.hasNonNull("idempotency_key")
                ? text(body.get("idempotency_key"), "idempotency_key", 200) : null;
        String issuedBy = body.hasNonNull("issued_by") ? text(body.get("issued_by"), "issued_by", 64)
                : call.caller.userId() != null ? call.caller.userId().toString() : null;
        // The agent is checked by the insert itself (one round trip, not two), so a body that is
        // invalid anyway is answered 422 before an unknown agent is 404, as the original validates.
        CommandStore.Command c = commands.insertForAgent(new CommandStore.NewCommand(project.id(), agentId, action,
                        target.toString(), parameters.toString(), timeout, issuedBy, idempotencyKey), true, Instant.now())
                .orElseThrow(() -> ApiError.notFound("agent not found in this project", "agent_id", agentId.toString()));
        if (CommandStore.PENDING.equals(c.status())) {
            registry.commandInserted(c); // first: the replica holding the agent claims and pushes it
            registry.publish(new Notice(project.id(), Notice.COMMAND_CHANGED, 1, c.id().toString()));
        }
        return toJson(c);
    }

    /** The command's project must be one the caller may view; otherwise it does not exist for them. */
    private Object get(Call call) throws StoreException, ApiError {
        UUID id = call.pathUuid("id");
        CommandStore.Command c = commands.get(id)
                .orElseThrow(() -> ApiError.notFound("command not found", "command_id", id.toString()));
        boolean visible = call.caller.globalAdmin()
                || access.accounts().membership(call.caller.userId(), c.projectId()).isPresent();
        if (!visible || (call.caller.viaKey() && call.caller.key().projectId() != null
                && !call.caller.key().projectId().equals(c.projectId()))) {
            throw ApiError.notFound("command not found", "command_id", id.toString());
        }
        return toJson(c);
    }

    /** The original's CommandPublic shape, as every command endpoint answers. */
    static JsonNode toJson(CommandStore.Command c) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(512);
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            Shapes.command(g, c);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // writing to memory
        }
        try {
            return JSON.readTree(bytes.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static UUID uuid(JsonNode n, String field) throws ApiError {
        if (n == null || !n.isTextual()) {
            throw ApiError.validation(field, "must be a UUID string");
        }
        try {
            return UUID.fromString(n.asText());
        } catch (IllegalArgumentException e) {
            throw ApiError.validation(field, "must be a UUID string");
        }
    }

    private static String text(JsonNode n, String field, int max) throws ApiError {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw ApiError.validation(field, "must be a non-empty string");
        }
        if (n.asText().length() > max) {
            throw ApiError.validation(field, "longer than " + max + " characters");
        }
        return StorableText.check(field, n.asText());
    }
}
