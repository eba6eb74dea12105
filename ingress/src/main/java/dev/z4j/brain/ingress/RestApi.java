package dev.z4j.brain.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operator REST API under {@code /api/v1}: admin-key auth, agent minting, the generic command
 * endpoint and a command by id alone (the reads and typed commands are {@link OperatorApi}).
 * Errors are JSON {@code {"error": "..."}} with a status that names the problem.
 */
public final class RestApi implements HttpService {
    private static final Logger LOG = Logger.getLogger(RestApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NAME = 200;
    private static final int MAX_SLUG = 100;

    private final Directory directory;
    private final byte[] masterSecret;
    private final CommandsApi commands;
    private final DashboardHub dashboard;

    public RestApi(Directory directory, byte[] masterSecret, dev.z4j.brain.store.CommandStore commandStore,
                   dev.z4j.brain.registry.Registry registry, DashboardHub dashboard, int commandTimeoutSeconds) {
        this.directory = directory;
        this.masterSecret = masterSecret;
        this.commands = new CommandsApi(directory, commandStore, registry, commandTimeoutSeconds);
        this.dashboard = dashboard;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/projects/{slug}/agents", (req, res) -> guarded(req, res, this::mintAgent))
                .post("/projects/{slug}/commands", (req, res) -> guarded(req, res,
                        (rq, rs) -> commands.issue(project(rq), readBody(rq), rs)))
                .get("/commands/{id}", (req, res) -> guarded(req, res, commands::get))
                .post("/dashboard/ticket", (req, res) -> guarded(req, res, (rq, rs) -> {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("ticket", dashboard.newTicket());
                    n.put("expires_in_seconds", DashboardHub.TICKET_TTL.toSeconds());
                    send(rs, Status.CREATED_201, n);
                }));
    }

    @FunctionalInterface
    private interface Endpoint {
        void handle(ServerRequest req, ServerResponse res) throws StoreException, IOException, ApiError;
    }

    /** A refusal with its HTTP status. */
    public static final class ApiError extends Exception {
        public final Status status;

        ApiError(Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void guarded(ServerRequest req, ServerResponse res, Endpoint endpoint) {
        try {
            requireAdmin(req);
            endpoint.handle(req, res);
        } catch (ApiError e) {
            error(res, e.status, e.getMessage());
        } catch (StoreException e) {
            storeError(res, e);
        } catch (IOException e) {
            error(res, Status.BAD_REQUEST_400, "unreadable request body");
        }
    }

    /**
     * Only a transient failure is an outage (503). Input is validated before it reaches the store,
     * so a refusal of the data here is still answered as the client's problem, never as an outage.
     */
    static void storeError(ServerResponse res, StoreException e) {
        if (e.transientFailure()) {
            LOG.log(Level.WARNING, "store failure in REST call: {0}", e.getMessage());
            error(res, Status.SERVICE_UNAVAILABLE_503, "database unavailable");
            return;
        }
        switch (e.refusal()) {
            case CONFLICT -> error(res, Status.CONFLICT_409, "already exists");
            case INVALID_DATA -> error(res, Status.BAD_REQUEST_400, "the database refused a value of this request");
            default -> {
                LOG.log(Level.WARNING, "store error in REST call: {0}", e.getMessage());
                error(res, Status.INTERNAL_SERVER_ERROR_500, "internal error; the server log has the details");
            }
        }
    }

    private void requireAdmin(ServerRequest req) throws ApiError, StoreException {
        String key = BearerAuth.parseToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        if (key == null) {
            throw new ApiError(Status.UNAUTHORIZED_401, "missing 'Authorization: Bearer <admin key>'");
        }
        if (directory.adminKeyByHash(Credentials.adminKeyHash(masterSecret, key)).isEmpty()) {
            throw new ApiError(Status.UNAUTHORIZED_401, "unknown admin key");
        }
    }

    private Directory.Project project(ServerRequest req) throws ApiError, StoreException {
        String slug = StorableText.check("slug", req.path().pathParameters().get("slug"));
        if (slug.length() > MAX_SLUG) {
            throw new ApiError(Status.BAD_REQUEST_400, "slug longer than " + MAX_SLUG + " characters");
        }
        return directory.projectBySlug(slug)
                .orElseThrow(() -> new ApiError(Status.NOT_FOUND_404, "no project '" + slug + "'"));
    }

    /** POST /projects/{slug}/agents {"name": "..."}: the credentials an agent is configured with. */
    private void mintAgent(ServerRequest req, ServerResponse res) throws StoreException, IOException, ApiError {
        Directory.Project project = project(req);
        JsonNode body = readBody(req);
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            throw new ApiError(Status.BAD_REQUEST_400, "body must be {\"name\": \"<agent name>\"}");
        }
        AgentCredentials creds = mint(directory, masterSecret, project, nameNode.asText());
        send(res, Status.CREATED_201, creds.toJson());
    }

    /** What a z4j agent needs to connect: id, token (shown once) and the project's hmac_secret. */
    public record AgentCredentials(String agentId, String projectId, String projectSlug, String name, String token,
                                   String hmacSecret) {
        public ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("agent_id", agentId);
            n.put("project_id", projectId);
            n.put("project", projectSlug);
            n.put("name", name);
            n.put("token", token);
            n.put("hmac_secret", hmacSecret);
            return n;
        }
    }

    /** Mints an agent; shared by the REST call and the CLI. {@code rawName} is validated (and stripped) here. */
    public static AgentCredentials mint(Directory directory, byte[] master, Directory.Project project, String rawName)
            throws StoreException, ApiError {
        String name = agentName(rawName);
        String token = Credentials.newToken();
        Directory.Agent agent;
        try {
            agent = directory.createAgent(project.id(), name, Secrets.tokenHash(master, token));
        } catch (StoreException e) {
            if (!e.conflict()) {
                throw e;
            }
            throw new ApiError(Status.CONFLICT_409, "agent '" + name + "' already exists in project '"
                    + project.slug() + "'");
        }
        return new AgentCredentials(agent.id().toString(), project.id().toString(), project.slug(), name, token,
                Secrets.agentHmacSecret(Secrets.projectSecret(master, project.id())));
    }

    private static String agentName(String raw) throws ApiError {
        if (raw == null || raw.isBlank()) {
            throw new ApiError(Status.BAD_REQUEST_400, "name must be a non-empty string");
        }
        String name = StorableText.check("name", raw.strip());
        if (name.length() > MAX_NAME) {
            throw new ApiError(Status.BAD_REQUEST_400, "name longer than " + MAX_NAME + " characters");
        }
        return name;
    }

    /**
     * The body as a JSON object. Its size is capped by the server (Z4J_HTTP_MAX_BODY_BYTES answers
     * 413 before or while reading); a client that goes away mid-body ends the connection quietly.
     */
    private static JsonNode readBody(ServerRequest req) throws ApiError {
        try {
            byte[] bytes = req.content().hasEntity() ? readEntity(req) : new byte[0];
            JsonNode n = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new ApiError(Status.BAD_REQUEST_400, "body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ApiError(Status.BAD_REQUEST_400, "body is not valid JSON");
        }
    }

    private static byte[] readEntity(ServerRequest req) {
        try {
            return req.content().as(byte[].class);
        } catch (DataReader.InsufficientDataAvailableException | UncheckedIOException e) {
            LOG.log(Level.FINE, "client went away while sending the body of {0} {1}",
                    new Object[] {req.prologue().method().text(), req.path().rawPath()});
            throw new CloseConnectionException("client went away while sending the request body", e);
        }
    }

    static void send(ServerResponse res, Status status, JsonNode body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree we built always serialises
        }
    }

    static void error(ServerResponse res, Status status, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        send(res, status, n);
    }

}
