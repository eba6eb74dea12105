package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.ApiKeys;
import dev.z4j.brain.store.Projects;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api-keys}: personal keys for scripts. A key acts as its owner (project roles still apply)
 * and must also hold the route's scope; it may be bound to one project and may expire. The token is
 * shown once; only its keyed hash is stored.
 */
public final class ApiKeyRoutes {
    static final int MAX_SCOPES = 64;

    private final Access access;
    private final Tokens tokens;
    private final Audit audit;

    ApiKeyRoutes(Access access, Tokens tokens, Audit audit) {
        this.access = access;
        this.tokens = tokens;
        this.audit = audit;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/api-keys/scopes", Tag.API_KEYS, Need.SIGNED_IN)
                        .summary("The scope catalogue and the scopes only global admins may grant")
                        .returns(ScopeCatalogue.class)
                        .handle(c -> new ScopeCatalogue(Scopes.CATALOGUE, Scopes.ADMIN_ONLY)),
                Route.get("/api-keys", Tag.API_KEYS, Need.SIGNED_IN)
                        .summary("The caller's keys that are not revoked, newest first")
                        .returns(Shape.listOf(ApiKeyPublic.class)).handle(this::list),
                Route.post("/api-keys", Tag.API_KEYS, Need.SIGNED_IN).status(Status.CREATED_201)
                        .summary("Create a key; the token is in this answer only").accepts(ApiKeyCreate.class)
                        .returns(ApiKeyCreated.class).handle(this::create),
                Route.delete("/api-keys/{key_id}", Tag.API_KEYS, Need.SIGNED_IN)
                        .summary("Revoke one of the caller's keys").handle(this::revoke));
    }

    private Object list(Call call) throws StoreException {
        List<ApiKeyPublic> out = new ArrayList<>();
        if (call.caller.userId() != null) {
            access.apiKeys().liveOfUser(call.caller.userId()).forEach(k -> out.add(ApiKeyPublic.of(k)));
        }
        return out;
    }

    private Object create(Call call) throws ApiError, StoreException {
        ApiKeyCreate b = call.body(ApiKeyCreate.class);
        String name = Check.text("name", b.name(), 1, 200);
        List<String> scopes = b.scopes() == null ? List.of() : b.scopes();
        if (scopes.size() > MAX_SCOPES) {
            throw ApiError.validation("scopes", "at most " + MAX_SCOPES + " entries");
        }
        List<String> rejected = new ArrayList<>();
        for (String s : scopes) {
            if (s == null || s.length() > 64) {
                throw ApiError.validation("scopes", "entries must be strings of at most 64 characters");
            }
            if (!Scopes.known(s) || (Scopes.ADMIN_ONLY.contains(s) && !call.caller.globalAdmin())) {
                rejected.add(s);
            }
        }
        if (!rejected.isEmpty()) {
            throw ApiError.conflict("scopes not permitted: " + rejected, "rejected_scopes", rejected);
        }
        UUID projectId = null;
        if (b.projectId() != null) {
            Projects.ProjectRecord p = access.projects().byId(b.projectId()).filter(Projects.ProjectRecord::active)
                    .orElseThrow(() -> ApiError.notFound("project not found", "project_id", b.projectId().toString()));
            if (!call.caller.globalAdmin() && access.accounts().membership(call.caller.userId(), p.id()).isEmpty()) {
                throw ApiError.conflict("you are not a member of that project", "project_id", p.id().toString());
            }
            projectId = p.id();
        }
        if (b.expiresInDays() != null && (b.expiresInDays() < 1 || b.expiresInDays() > 3650)) {
            throw ApiError.validation("expires_in_days", "must be between 1 and 3650");
        }
        String token = Tokens.newApiKey();
        ApiKeys.ApiKey key = access.apiKeys().create(new ApiKeys.NewApiKey(call.caller.userId(), name,
                token.substring(0, 8), tokens.apiKeyHash(token), List.copyOf(new LinkedHashSet<>(scopes)), projectId,
                b.expiresInDays() == null ? null : call.now.plus(Duration.ofDays(b.expiresInDays()))), call.now);
        audit.record(call, projectId, "api_key.created", "api_key", key.id(), Audit.SUCCESS, "allow",
                Map.of("name", name, "scopes", key.scopes()));
        return ApiKeyCreated.of(key, token);
    }

    private Object revoke(Call call) throws ApiError, StoreException {
        UUID id = call.pathUuid("key_id");
        if (call.caller.userId() == null || !access.apiKeys().revoke(id, call.caller.userId(), "revoked by owner", call.now)) {
            throw ApiError.notFound("api key not found", "key_id", id.toString());
        }
        audit.success(call, "api_key.revoked", "api_key", id, Map.of());
        return null;
    }
}
