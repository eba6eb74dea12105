package dev.z4j.brain.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.ingress.api.Shapes;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /projects/{slug}/commands} (any action the agents know, an extension of the original's
 * typed endpoints) and {@code GET /commands/{id}}: validate, store as pending, hand to the registry
 * (the holder of the agent's socket claims and pushes). Answers in the original's CommandPublic shape.
 */
final class CommandsApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The actions z4j-bare 1.6.0 dispatches (docs/PROTOCOL.md 9.1); anything else is refused before storing. */
    static final Set<String> ACTIONS = Set.of(
            "submit_task", "retry_task", "cancel_task", "bulk_retry", "purge_queue", "requeue_dead_letter",
            "restart_worker", "pool_grow", "pool_shrink", "add_consumer", "cancel_consumer", "rate_limit",
            "reconcile_task", "schedule.enable", "schedule.disable", "schedule.trigger_now", "schedule.delete",
            "schedule.resync", "schedule.fire");
    static final int MAX_WIRE_TIMEOUT = 3600;

    private final Directory directory;
    private final CommandStore commands;
    private final Registry registry;
    private final int defaultTimeoutSeconds;

    CommandsApi(Directory directory, CommandStore commands, Registry registry, int defaultTimeoutSeconds) {
        this.directory = directory;
        this.commands = commands;
        this.registry = registry;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    void issue(Directory.Project project, JsonNode body, ServerResponse res) throws StoreException, RestApi.ApiError {
        UUID agentId = uuid(body.get("agent_id"), "agent_id");
        Directory.Agent agent = directory.agentById(agentId)
                .filter(a -> a.projectId().equals(project.id()))
                .orElseThrow(() -> new RestApi.ApiError(Status.NOT_FOUND_404,
                        "no agent " + agentId + " in project '" + project.slug() + "'"));
        String action = text(body.get("action"), "action", 80);
        if (!ACTIONS.contains(action)) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, "unknown action '" + action + "'; supported: "
                    + new java.util.TreeSet<>(ACTIONS));
        }
        JsonNode target = body.get("target");
        if (target == null || !target.isObject() || !target.path("type").isTextual()) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, "target must be an object with a string 'type'");
        }
        JsonNode parameters = body.has("parameters") ? body.get("parameters") : JSON.createObjectNode();
        if (!parameters.isObject()) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, "parameters must be an object");
        }
        StorableText.checkTree("target", target);
        StorableText.checkTree("parameters", parameters);
        int timeout = Math.min(defaultTimeoutSeconds, MAX_WIRE_TIMEOUT);
        if (body.has("timeout_seconds")) {
            JsonNode t = body.get("timeout_seconds");
            if (!t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > MAX_WIRE_TIMEOUT) {
                throw new RestApi.ApiError(Status.BAD_REQUEST_400, "timeout_seconds must be an integer 1..3600");
            }
            timeout = t.asInt();
        }
        String idempotencyKey = body.hasNonNull("idempotency_key")
                ? text(body.get("idempotency_key"), "idempotency_key", 200) : null;
        String issuedBy = body.hasNonNull("issued_by") ? text(body.get("issued_by"), "issued_by", 64) : null;
        CommandStore.Command c = commands.insert(new CommandStore.NewCommand(project.id(), agent.id(), action,
                target.toString(), parameters.toString(), timeout, issuedBy, idempotencyKey), Instant.now());
        if (CommandStore.PENDING.equals(c.status())) {
            registry.commandIssued(c); // first: the replica holding the agent claims and pushes it
            registry.publish(new Notice(project.id(), Notice.COMMAND_CHANGED, 1, c.id().toString()));
        }
        RestApi.send(res, Status.ACCEPTED_202, toJson(c));
    }

    void get(ServerRequest req, ServerResponse res) throws StoreException, RestApi.ApiError {
        UUID id = uuid(JSON.getNodeFactory().textNode(req.path().pathParameters().get("id")), "id");
        CommandStore.Command c = commands.get(id)
                .orElseThrow(() -> new RestApi.ApiError(Status.NOT_FOUND_404, "no command " + id));
        RestApi.send(res, Status.OK_200, toJson(c));
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

    private static UUID uuid(JsonNode n, String field) throws RestApi.ApiError {
        if (n == null || !n.isTextual()) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, field + " must be a UUID string");
        }
        try {
            return UUID.fromString(n.asText());
        } catch (IllegalArgumentException e) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, field + " must be a UUID string");
        }
    }

    private static String text(JsonNode n, String field, int max) throws RestApi.ApiError {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, field + " must be a non-empty string");
        }
        if (n.asText().length() > max) {
            throw new RestApi.ApiError(Status.BAD_REQUEST_400, field + " longer than " + max + " characters");
        }
        return StorableText.check(field, n.asText());
    }
}
