package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.Projects;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The operator API under {@code /api/v1}: every {@link Route} is declared here once, registered
 * with Helidon and described in {@code openapi.json} from the same declaration. Before a handler
 * runs, the table has resolved the caller, checked the key scope and project binding, the CSRF
 * token, the global-admin flag, the project (404 for missing and for non-members alike) and the
 * project role. Every answer carries {@code X-Request-Id}; every refusal is the JSON envelope
 * {@code {"error","message","request_id","details"}}.
 */
public final class RouteTable implements HttpService {
    private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());
    /** Slugs we look up; anything else cannot name a project and is a 404 without a query. */
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** The error code of a 503 that is a queue at the database, not an outage ("unavailable"). */
    static final String DATABASE_BUSY = "database_busy";
    public static final io.helidon.http.HeaderName CSRF_HEADER = HeaderNames.create("X-CSRF-Token");

    private final List<Route> routes = new ArrayList<>();
    private final Authenticator authenticator;
    private final Access access;
    private final OperatorConfig config;
    private final Clock clock;
    private final MeterRegistry meters;

    public RouteTable(Authenticator authenticator, Access access, OperatorConfig config, Clock clock,
                      MeterRegistry meters) {
        this.authenticator = authenticator;
        this.access = access;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
    }

    /** Adds routes; each must have a handler. */
    public RouteTable add(Route... more) {
        for (Route r : more) {
            if (r.handler == null) {
                throw new IllegalArgumentException(r + " has no handler");
            }
            routes.add(r);
        }
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void routing(HttpRules rules) {
        for (Route r : routes) {
            rules.route(r.method, r.path, (req, res) -> dispatch(r, req, res));
        }
    }

    private void dispatch(Route route, ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req.headers());
        res.header(RequestIds.HEADER, requestId);
        String ip = ClientAddress.of(req, config.trustForwardedFor());
        try {
            Call call = admit(route, req, res, requestId, ip);
            render(route, res, route.handler.handle(call));
            LOG.log(Level.FINE, "{0} {1} {2} request_id={3}",
                    new Object[] {route.method.text(), req.path().rawPath(), res.status().code(), requestId});
        } catch (ApiError e) {
            refuse(res, e, requestId);
        } catch (StoreException e) {
            refuse(res, storeError(route, e, requestId), requestId);
        } catch (CloseConnectionException | io.helidon.http.HttpException | io.helidon.http.RequestException e) {
            throw e; // the server's own answers (413 body too large, a vanished client): not ours to rewrite
        } catch (Exception e) {
            LOG.log(Level.WARNING, "internal error in " + route + " request_id=" + requestId, e);
            refuse(res, new ApiError(Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                    "internal error; the server log has the details (request_id " + requestId + ")", null), requestId);
        }
    }

    private Call admit(Route route, ServerRequest req, ServerResponse res, String requestId, String ip)
            throws ApiError, StoreException {
        if (route.need == Need.NOBODY) {
            Caller caller;
            try {
                caller = authenticator.resolve(req.headers(), ip);
            } catch (ApiError | StoreException e) {
                caller = Caller.ANONYMOUS; // a dead key or a database outage does not stop a public route
            }
            return new Call(req, res, caller, requestId, ip, clock.instant(), null, null);
        }
        Caller caller = authenticator.resolve(req.headers(), ip);
        if (caller.anonymous()) {
            throw ApiError.unauthenticated("authentication required", null);
        }
        if (caller.viaKey()) {
            checkScope(route, caller);
        } else if (route.mutates() && route.csrf) {
            String sent = req.headers().first(CSRF_HEADER).orElse(null);
            if (!Tokens.sameSecret(sent, caller.session().csrfToken())) {
                throw ApiError.forbidden("csrf token mismatch", "reason", "csrf_mismatch");
            }
        }
        if (route.need == Need.GLOBAL_ADMIN && !caller.globalAdmin()) {
            throw ApiError.forbidden("admin role required", "reason", "admin_required");
        }
        if (!route.path.contains("{slug}")) {
            return new Call(req, res, caller, requestId, ip, clock.instant(), null, null);
        }
        String slug = req.path().pathParameters().get("slug");
        Optional<Projects.ProjectRecord> found = SLUG.matcher(slug).matches()
                ? access.projects().bySlug(slug) : Optional.empty();
        // Global-admin routes reach archived projects too (to restore them); others see active ones.
        Projects.ProjectRecord project = found.filter(p -> p.active() || route.need == Need.GLOBAL_ADMIN)
                .orElseThrow(() -> projectNotFound(slug));
        String role = caller.globalAdmin() ? "admin" : access.accounts().membership(caller.userId(), project.id())
                .map(Accounts.Membership::role).orElseThrow(() -> projectNotFound(slug));
        if (caller.viaKey() && caller.key().projectId() != null && !caller.key().projectId().equals(project.id())) {
            throw ApiError.forbidden("api key is bound to another project", "reason", "project_scope_mismatch",
                    "expected", caller.key().projectSlug(), "got", slug);
        }
        if (route.need.projectRole() && Need.rankOf(role) < route.need.rank) {
            throw ApiError.forbidden("role '" + role + "' is not sufficient (need at least '" + route.need.role() + "')",
                    "have", role, "need", route.need.role());
        }
        return new Call(req, res, caller, requestId, ip, clock.instant(), project, role);
    }

    static ApiError projectNotFound(String slug) {
        return ApiError.notFound("project '" + slug + "' not found", "slug", slug);
    }

    private static void checkScope(Route route, Caller caller) throws ApiError {
        if (route.tag == Tag.AUTH) {
            throw ApiError.forbidden("api keys cannot call " + route.tag.label + " routes", "reason",
                    "bearer_denied_for_tag", "tag", route.tag.label);
        }
        if (route.tag.resource == null) {
            throw ApiError.forbidden("api key lacks required scope", "reason", "scope_missing", "required_scope", null);
        }
        String required = route.tag.resource + (route.mutates() ? ":write" : ":read");
        if (!Scopes.allows(caller.key().scopes(), route.tag.resource, route.mutates())) {
            throw ApiError.forbidden("api key lacks required scope", "required_scope", required, "reason",
                    "scope_missing");
        }
        if (caller.key().projectId() != null && !route.path.contains("{slug}")
                && route.tag != Tag.HOME && route.tag != Tag.PROJECTS) {
            throw ApiError.forbidden("api key is bound to one project; this route is not project-scoped",
                    "reason", "project_scope_nonslug_denied");
        }
    }

    private void render(Route route, ServerResponse res, Object result) throws java.io.IOException {
        if (result instanceof Answer answer) {
            HelidonReplies.send(res, answer); // written by the handler, as the original's shapes need
        } else if (result instanceof Reply reply) {
            if (reply.body() instanceof byte[] file) {
                res.status(reply.status()).header(HeaderNames.CONTENT_TYPE, reply.contentType());
                if (reply.fileName() != null) {
                    res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + reply.fileName() + "\"");
                }
                res.send(file);
                return;
            }
            send(res, reply.status(), reply.body());
        } else if (result == null) {
            res.status(Status.NO_CONTENT_204).send();
        } else {
            send(res, route.status, result);
        }
    }

    static void send(ServerResponse res, Status status, Object body) {
        res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.bytes(body));
    }

    private void refuse(ServerResponse res, ApiError e, String requestId) {
        LOG.log(e.status.code() >= 500 ? Level.WARNING : Level.FINE, "refused {0} {1}: {2} request_id={3}",
                new Object[] {e.status.code(), e.code, e.getMessage(), requestId});
        Counter.builder("z4j_api_refusals_total").tag("status", String.valueOf(e.status.code())).tag("error", e.code)
                .description("operator API answers with an error envelope").register(meters).increment();
        if (DATABASE_BUSY.equals(e.code)) {
            res.header(HeaderNames.RETRY_AFTER, "1"); // busy is a moment's queue, not an outage: clients may come back at once
        }
        send(res, e.status, envelope(e, requestId));
    }

    /** {@code {"error","message","request_id","details"}}. */
    public static Map<String, Object> envelope(ApiError e, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code);
        body.put("message", e.getMessage());
        body.put("request_id", requestId);
        body.put("details", e.details);
        return body;
    }

    /**
     * An outage is a 503; a duplicate a 409; a value the database refuses a 422 (input is checked
     * before the store, so this is still the client's problem, never an outage).
     */
    static ApiError storeError(Route route, StoreException e, String requestId) {
        if (e.busy()) {
            LOG.log(Level.WARNING, "database busy in {0} request_id={1}: {2}", new Object[] {route, requestId, e.getMessage()});
            return new ApiError(Status.SERVICE_UNAVAILABLE_503, DATABASE_BUSY, "database busy: no read slot, connection or "
                    + "lock came free in time (Z4J_DB_READS, Z4J_DB_POOL_SIZE, Z4J_DB_STATEMENT_TIMEOUT_MS); retry in a moment", null);
        }
        if (e.transientFailure()) {
            LOG.log(Level.WARNING, "store failure in {0} request_id={1}: {2}", new Object[] {route, requestId, e.getMessage()});
            return new ApiError(Status.SERVICE_UNAVAILABLE_503, "unavailable", "database unavailable", null);
        }
        return switch (e.refusal()) {
            case CONFLICT -> ApiError.conflict("already exists");
            case INVALID_DATA -> new ApiError(Status.UNPROCESSABLE_CONTENT_422, "validation_error",
                    "the database refused a value of this request", null);
            default -> {
                LOG.log(Level.WARNING, "store error in {0} request_id={1}: {2}", new Object[] {route, requestId, e.getMessage()});
                yield new ApiError(Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                        "internal error; the server log has the details (request_id " + requestId + ")", null);
            }
        };
    }
}
