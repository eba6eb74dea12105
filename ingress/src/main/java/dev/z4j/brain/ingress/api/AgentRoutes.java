package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.AgentRoster;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /projects/{slug}/agents}: list (newest first: clients send commands to the first), mint
 * credentials, and revoke: the row is deleted and every live socket of the agent, on every replica,
 * closes with 4003.
 */
public final class AgentRoutes {
    /** The protocol this brain speaks; an agent that connected with another one is outdated. */
    static final String PROTOCOL = "2";
    static final int MAX_LISTED = 500;

    private final Access access;
    private final Directory directory;
    private final byte[] master;
    private final Registry registry;
    private final Audit audit;

    AgentRoutes(Access access, Directory directory, byte[] master, Registry registry, Audit audit) {
        this.access = access;
        this.directory = directory;
        this.master = master;
        this.registry = registry;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/projects/{slug}/agents", Tag.AGENTS, Need.VIEWER)
                        .summary("The project's agents, newest first").returns(Shape.listOf(AgentPublic.class))
                        .handle(this::list),
                Route.post("/projects/{slug}/agents", Tag.AGENTS, Need.ADMIN).status(Status.CREATED_201)
                        .summary("Mint an agent: its token and the project's hmac_secret are shown once")
                        .accepts(AgentCreate.class).returns(AgentMinted.class).handle(this::create),
                Route.delete("/projects/{slug}/agents/{agent_id}", Tag.AGENTS, Need.ADMIN)
                        .summary("Revoke an agent: delete it and close its live sockets with 4003 on every replica")
                        .handle(this::revoke));
    }

    private Object list(Call call) throws StoreException {
        List<AgentPublic> out = new ArrayList<>();
        for (AgentRoster.AgentRecord a : access.agents().ofProject(call.project.id(), MAX_LISTED)) {
            out.add(shape(a));
        }
        return out;
    }

    private Object create(Call call) throws ApiError, StoreException {
        AgentCreate body = call.body(AgentCreate.class);
        AgentCredentials creds;
        try {
            creds = AgentCredentials.mint(directory, master, call.project.id(), call.project.slug(), body.name());
        } catch (ApiError e) {
            if (e.status == Status.CONFLICT_409) {
                audit.failure(call, "agent.token.minted", "agent", null, Map.of("name", String.valueOf(body.name()),
                        "reason", "duplicate_name"));
            }
            throw e;
        }
        AgentRoster.AgentRecord row = access.agents().get(call.project.id(), creds.agentId())
                .orElseThrow(() -> new StoreException("agent " + creds.agentId() + " vanished", true, null));
        audit.success(call, "agent.token.minted", "agent", creds.agentId(), Map.of("name", creds.name()));
        return new AgentMinted(shape(row), creds.token(), creds.hmacSecret(), creds.agentId(), creds.projectId(),
                creds.projectSlug(), creds.name());
    }

    private Object revoke(Call call) throws ApiError, StoreException {
        UUID id = call.pathUuid("agent_id");
        if (!access.agents().delete(call.project.id(), id)) {
            throw ApiError.notFound("agent not found in this project", "agent_id", id.toString());
        }
        registry.agentRevoked(id);
        audit.success(call, "agent.token.revoked", "agent", id, Map.of());
        registry.publish(new Notice(call.project.id(), Notice.AGENT_CHANGED, 1, id.toString()));
        return null;
    }

    /** A never-connected agent is {@code unknown}, protocol "0", framework "unknown"; the hello fills them in. */
    static AgentPublic shape(AgentRoster.AgentRecord a) {
        boolean connected = a.lastConnectAt() != null;
        JsonNode meta = Json.tree(a.metadataJson());
        JsonNode caps = Json.tree(a.capabilitiesJson());
        String hostName = meta == null ? null : text(meta.path("host").path("name"));
        String version = meta == null ? null : text(meta.path("version"));
        String protocol = a.protocolVersion() == null ? "0" : a.protocolVersion();
        List<String> engines = strings(Json.tree(a.engineAdaptersJson()));
        List<String> schedulers = strings(Json.tree(a.schedulerAdaptersJson()));
        return new AgentPublic(a.id(), a.projectId(), a.name(), connected ? a.state() : "unknown", protocol,
                a.frameworkAdapter() == null ? "unknown" : a.frameworkAdapter(),
                engines == null ? List.of() : engines, schedulers == null ? List.of() : schedulers,
                caps != null && caps.isObject() ? caps : Json.MAPPER.createObjectNode(), a.lastSeenAt(),
                a.lastConnectAt(), a.createdAt(), connected && !PROTOCOL.equals(protocol), hostName, version,
                version == null ? null : "unknown");
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.textValue() : null;
    }
}
