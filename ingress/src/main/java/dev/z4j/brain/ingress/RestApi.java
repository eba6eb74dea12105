package dev.z4j.brain.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operator REST API under {@code /api/v1}: admin-key auth, agent minting, project stats.
 * Errors are JSON {@code {"error": "..."}} with a status that names the problem.
 */
public final class RestApi implements HttpService {
    private static final Logger LOG = Logger.getLogger(RestApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NAME = 200;

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
                .get("/projects/{slug}/stats", (req, res) -> guarded(req, res, this::stats))
                .post("/projects/{slug}/commands", (req, res) -> guarded(req, res,
                        (rq, rs) -> commands.issue(project(rq), readBody(rq), rs)))
                .get("/projects/{slug}/commands", (req, res) -> guarded(req, res,
                        (rq, rs) -> commands.list(project(rq), rq, rs)))
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
            LOG.log(Level.WARNING, "store failure in REST call: {0}", e.getMessage());
            error(res, Status.SERVICE_UNAVAILABLE_503, "database unavailable");
        } catch (IOException e) {
            error(res, Status.BAD_REQUEST_400, "unreadable request body");
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
        String slug = req.path().pathParameters().get("slug");
        return directory.projectBySlug(slug)
                .orElseThrow(() -> new ApiError(Status.NOT_FOUND_404, "no project '" + slug + "'"));
    }

    /** POST /projects/{slug}/agents {"name": "..."}: the credentials an agent is configured with. */
    private void mintAgent(ServerRequest req, ServerResponse res) throws StoreException, IOException, ApiError {
        Directory.Project project = project(req);
        JsonNode body = readBody(req);
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            throw new ApiError(Status.BAD_REQUEST_400, "body must be {\"name\": \"<agent name>\"}");
        }
        String name = nameNode.asText().strip();
        if (name.length() > MAX_NAME) {
            throw new ApiError(Status.BAD_REQUEST_400, "name longer than " + MAX_NAME + " characters");
        }
        AgentCredentials creds = mint(directory, masterSecret, project, name);
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

    /** Mints an agent; shared by the REST call and the CLI. */
    public static AgentCredentials mint(Directory directory, byte[] master, Directory.Project project, String name)
            throws StoreException, ApiError {
        String token = Credentials.newToken();
        Directory.Agent agent;
        try {
            agent = directory.createAgent(project.id(), name, Secrets.tokenHash(master, token));
        } catch (StoreException e) {
            if (e.transientFailure()) {
                throw e;
            }
            // The only data the store can refuse here is a second agent of that name (unique per project).
            throw new ApiError(Status.CONFLICT_409, "agent '" + name + "' already exists in project '"
                    + project.slug() + "'");
        }
        return new AgentCredentials(agent.id().toString(), project.id().toString(), project.slug(), name, token,
                Secrets.agentHmacSecret(Secrets.projectSecret(master, project.id())));
    }

    private void stats(ServerRequest req, ServerResponse res) throws StoreException, ApiError {
        Directory.Project project = project(req);
        Directory.ProjectStats s = directory.stats(project.id());
        ObjectNode n = JSON.createObjectNode();
        n.put("project", project.slug());
        n.put("project_id", project.id().toString());
        n.put("events", s.events());
        n.put("tasks", s.tasks());
        ObjectNode byState = n.putObject("tasks_by_state");
        for (Map.Entry<String, Long> e : s.tasksByState().entrySet()) {
            byState.put(e.getKey(), e.getValue());
        }
        n.put("agents_online", s.agentsOnline());
        n.put("workers_online", s.workersOnline());
        send(res, Status.OK_200, n);
    }

    private static JsonNode readBody(ServerRequest req) throws ApiError {
        try {
            byte[] bytes = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
            JsonNode n = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new ApiError(Status.BAD_REQUEST_400, "body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ApiError(Status.BAD_REQUEST_400, "body is not valid JSON");
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
