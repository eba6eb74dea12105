package dev.z4j.brain.ingress;

import dev.z4j.brain.ingress.api.ApiProblem;
import dev.z4j.brain.ingress.api.AuditTrail;
import dev.z4j.brain.ingress.api.Caller;
import dev.z4j.brain.ingress.api.CommandIssuer;
import dev.z4j.brain.ingress.api.CommandReadsApi;
import dev.z4j.brain.ingress.api.EventsApi;
import dev.z4j.brain.ingress.api.HelidonReplies;
import dev.z4j.brain.ingress.api.HomeApi;
import dev.z4j.brain.ingress.api.HomeCaller;
import dev.z4j.brain.ingress.api.HomeEndpoint;
import dev.z4j.brain.ingress.api.ProjectEndpoint;
import dev.z4j.brain.ingress.api.QueuesApi;
import dev.z4j.brain.ingress.api.Role;
import dev.z4j.brain.ingress.api.StatsApi;
import dev.z4j.brain.ingress.api.TasksApi;
import dev.z4j.brain.ingress.api.TypedCommandsApi;
import dev.z4j.brain.ingress.api.WorkersApi;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The operator reads and typed commands under {@code /api/v1}, authenticated for now by the admin
 * key ({@code Authorization: Bearer ...}): an admin key is a project admin of every project and
 * sees every project on the home page. The handlers themselves never authenticate; moving them to
 * another route table means giving them a {@link Caller} or {@link HomeCaller} resolved there.
 */
public final class OperatorApi implements HttpService {
    /** Projects a global admin's home page lists, at most (as the original). */
    static final int HOME_MAX_PROJECTS = 500;
    /** The environment of every project until projects have one of their own (the original's default). */
    static final String DEFAULT_ENVIRONMENT = "production";
    private static final int MAX_SLUG = 100;

    private final Directory directory;
    private final byte[] masterSecret;
    private final OperatorReads reads;
    private final TasksApi tasks;
    private final EventsApi events;
    private final WorkersApi workers;
    private final QueuesApi queues;
    private final StatsApi stats;
    private final HomeApi home;
    private final CommandReadsApi commands;
    private final TypedCommandsApi typedCommands;

    /** {@code connectedHere}: whether this replica holds a socket of an agent (commands to it are never refused). */
    public OperatorApi(Directory directory, byte[] masterSecret, OperatorReads reads, CommandStore commandStore,
                       Registry registry, int commandTimeoutSeconds, Clock clock,
                       java.util.function.Predicate<java.util.UUID> connectedHere) {
        this.directory = directory;
        this.masterSecret = masterSecret;
        this.reads = reads;
        this.tasks = new TasksApi(reads, AuditTrail.NONE);
        this.events = new EventsApi(reads);
        this.workers = new WorkersApi(reads);
        this.queues = new QueuesApi(reads);
        this.stats = new StatsApi(reads, clock);
        this.home = new HomeApi(reads, clock);
        this.commands = new CommandReadsApi(reads);
        this.typedCommands = new TypedCommandsApi(reads,
                new CommandIssuer(reads, commandStore, registry, commandTimeoutSeconds, AuditTrail.NONE, clock,
                        connectedHere));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/home/summary", home(home::summary))
                .get("/home/recent-failures", home(home::recentFailures))
                .get("/projects/{slug}/stats", project(stats::stats, false))
                .get("/projects/{slug}/trends", project(stats::trends, false))
                .get("/projects/{slug}/tasks", project(tasks::list, false))
                .post("/projects/{slug}/tasks/bulk-delete", project(tasks::bulkDelete, true))
                .get("/projects/{slug}/tasks/{engine}/{task_id}", project(tasks::detail, false))
                .get("/projects/{slug}/tasks/{engine}/{task_id}/tree", project(tasks::tree, false))
                .get("/projects/{slug}/events", project(events::list, false))
                .get("/projects/{slug}/workers", project(workers::list, false))
                .get("/projects/{slug}/workers/{worker_id}", project(workers::detail, false))
                .get("/projects/{slug}/queues", project(queues::list, false))
                .get("/projects/{slug}/commands", project(commands::list, false))
                .get("/projects/{slug}/commands/{command_id}", project(commands::detail, false));
        for (Map.Entry<String, ProjectEndpoint> typed : typedCommands.endpoints().entrySet()) {
            rules.post("/projects/{slug}/commands/" + typed.getKey(), project(typed.getValue(), true));
        }
    }

    private io.helidon.webserver.http.Handler project(ProjectEndpoint endpoint, boolean withBody) {
        return (req, res) -> answer(res, () -> {
            requireAdminKey(req);
            Directory.Project p = project(req.path().pathParameters().get("slug"));
            HelidonReplies.send(res, endpoint.handle(new Caller(p, Role.ADMIN, null),
                    HelidonReplies.request(req, withBody)));
        });
    }

    private io.helidon.webserver.http.Handler home(HomeEndpoint endpoint) {
        return (req, res) -> answer(res, () -> {
            requireAdminKey(req);
            List<HomeCaller.VisibleProject> visible = reads.projects(HOME_MAX_PROJECTS).stream()
                    .map(p -> new HomeCaller.VisibleProject(p.id(), p.slug(), p.name(), DEFAULT_ENVIRONMENT, null))
                    .toList();
            HelidonReplies.send(res, endpoint.handle(new HomeCaller(null, true, visible),
                    HelidonReplies.request(req, false)));
        });
    }

    @FunctionalInterface
    private interface Work {
        void run() throws ApiProblem, StoreException, IOException;
    }

    private static void answer(ServerResponse res, Work work) {
        try {
            work.run();
        } catch (ApiProblem p) {
            HelidonReplies.problem(res, p);
        } catch (StoreException e) {
            HelidonReplies.storeFailure(res, e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void requireAdminKey(ServerRequest req) throws ApiProblem, StoreException {
        String key = BearerAuth.parseToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        if (key == null) {
            throw new ApiProblem(401, "unauthenticated", "missing 'Authorization: Bearer <admin key>'", Map.of());
        }
        if (directory.adminKeyByHash(Credentials.adminKeyHash(masterSecret, key)).isEmpty()) {
            throw new ApiProblem(401, "unauthenticated", "unknown admin key", Map.of());
        }
    }

    /** The project of the path; a slug that names none (or could name none) is the same 404. */
    private Directory.Project project(String slug) throws ApiProblem, StoreException {
        String shown = slug == null ? "" : slug;
        ApiProblem missing = ApiProblem.notFound("project '" + shown + "' not found", Map.of("slug", shown));
        if (slug == null || slug.length() > MAX_SLUG || StorableText.problem(slug) != null) {
            throw missing;
        }
        return directory.projectBySlug(slug).orElseThrow(() -> missing);
    }
}
