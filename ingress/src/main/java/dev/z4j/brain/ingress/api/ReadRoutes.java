package dev.z4j.brain.ingress.api;

import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.Projects;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;
import io.helidon.http.Status;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The operator reads and the typed commands in the route table: the route table has resolved the
 * caller, the key scope, the project (404 for non-members) and the least role; this class turns
 * that into the {@link ProjectCaller} / {@link HomeCaller} the handlers take, the request into an
 * {@link ApiRequest}, and a handler's {@link ApiProblem} into the envelope with the request id.
 * Bulk actions (bulk-retry, purge-queue, bulk-delete) share one throttle per client address.
 */
final class ReadRoutes {
    /** Projects a global admin's home page lists, at most (as the original). */
    static final int HOME_MAX_PROJECTS = 500;
    static final String BULK_THROTTLE = "bulk";

    private final Access access;
    private final SlidingWindow bulkThrottle;
    private final Audit audit;
    private final TasksApi tasks;
    private final EventsApi events;
    private final WorkersApi workers;
    private final QueuesApi queues;
    private final StatsApi stats;
    private final HomeApi home;
    private final CommandReadsApi commands;
    private final TypedCommandsApi typedCommands;

    /** {@code connectedHere}: whether this replica holds a socket of an agent (commands to it are never refused). */
    ReadRoutes(Access access, OperatorReads reads, CommandStore commandStore, Registry registry,
               int commandTimeoutSeconds, Clock clock, Predicate<UUID> connectedHere, Audit audit,
               SlidingWindow bulkThrottle) {
        this.access = access;
        this.bulkThrottle = bulkThrottle;
        this.audit = audit;
        AuditTrail trail = (caller, action, targetType, targetId, metadata) ->
                audit.success(caller.call(), action, targetType, targetId, metadata);
        this.tasks = new TasksApi(reads, trail);
        this.events = new EventsApi(reads);
        this.workers = new WorkersApi(reads);
        this.queues = new QueuesApi(reads);
        this.stats = new StatsApi(reads, clock);
        this.home = new HomeApi(reads, clock);
        this.commands = new CommandReadsApi(reads);
        this.typedCommands = new TypedCommandsApi(reads,
                new CommandIssuer(reads, commandStore, registry, commandTimeoutSeconds, trail, clock, connectedHere));
    }

    /** The least role of each typed command: purge-queue is a project admin's, the rest an operator's. */
    static Need typedCommandNeed(String name) {
        return name.equals("purge-queue") ? Need.ADMIN : Need.OPERATOR;
    }

    /** What a typed command acts on, as its audit row names it (the stored command's target type). */
    static String targetType(String typedCommand) {
        return switch (typedCommand) {
            case "retry-task", "cancel-task", "rate-limit" -> "task";
            case "bulk-retry" -> "bulk";
            case "purge-queue" -> "queue";
            default -> "worker";
        };
    }

    private static boolean throttled(String typedCommand) {
        return typedCommand.equals("bulk-retry") || typedCommand.equals("purge-queue");
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>(List.of(
                Route.get("/home/summary", Tag.HOME, Need.SIGNED_IN)
                        .summary("Every project the caller may see: activity in 24 h, fleet, health, attention items")
                        .handle(home(home::summary)),
                Route.get("/home/recent-failures", Tag.HOME, Need.SIGNED_IN).query("limit", "cursor")
                        .summary("Failed tasks across the visible projects, newest first: {items, next_cursor}")
                        .handle(home(home::recentFailures)),
                Route.get("/projects/{slug}/stats", Tag.STATS, Need.VIEWER).query("hours")
                        .summary("The overview page: tasks by state, window counts, fleet, commands, queue depths, health")
                        .handle(project(stats::stats, false)),
                Route.get("/projects/{slug}/trends", Tag.TRENDS, Need.VIEWER).query("window", "bucket")
                        .summary("Finished tasks per time bucket (browser sessions only)")
                        .handle(project(stats::trends, false)),
                Route.get("/projects/{slug}/tasks", Tag.TASKS, Need.VIEWER)
                        .query("state", "priority", "name", "search", "queue", "worker", "since", "until", "cursor",
                                "limit", "format", "fields")
                        .summary("Tasks, started newest first: {items, next_cursor}; format=csv|json|xlsx downloads")
                        .handle(project(tasks::list, false)),
                Route.post("/projects/{slug}/tasks/bulk-delete", Tag.TASKS, Need.ADMIN)
                        .summary("Delete stored task rows by row id or by filter: {deleted_count} (throttled per address)")
                        .handle(throttled(project(tasks::bulkDelete, true), "tasks.bulk_delete", "task")),
                Route.get("/projects/{slug}/tasks/{engine}/{task_id}", Tag.TASKS, Need.VIEWER)
                        .summary("One task by its engine and task id").handle(project(tasks::detail, false)),
                Route.get("/projects/{slug}/tasks/{engine}/{task_id}/tree", Tag.TASKS, Need.VIEWER)
                        .summary("The canvas (chain, group, chord) the task belongs to")
                        .handle(project(tasks::tree, false)),
                Route.get("/projects/{slug}/events", Tag.EVENTS, Need.VIEWER)
                        .query("engine", "task_id", "limit", "cursor")
                        .summary("One task's timeline, newest first: {items, next_cursor}")
                        .handle(project(events::list, false)),
                Route.get("/projects/{slug}/workers", Tag.WORKERS, Need.VIEWER)
                        .summary("Engine workers with their task counts").handle(project(workers::list, false)),
                Route.get("/projects/{slug}/workers/{worker_id}", Tag.WORKERS, Need.VIEWER)
                        .summary("One worker with its last inspect snapshot").handle(project(workers::detail, false)),
                Route.get("/projects/{slug}/queues", Tag.QUEUES, Need.VIEWER)
                        .summary("The project's queues, by name").handle(project(queues::list, false)),
                Route.get("/projects/{slug}/commands", Tag.COMMANDS, Need.VIEWER).query("status", "cursor", "limit")
                        .summary("The project's commands, newest first: {items, next_cursor}")
                        .handle(project(commands::list, false)),
                Route.get("/projects/{slug}/commands/{command_id}", Tag.COMMANDS, Need.VIEWER)
                        .summary("One command of the project").handle(project(commands::detail, false))));
        for (Map.Entry<String, ProjectEndpoint> typed : typedCommands.endpoints().entrySet()) {
            String name = typed.getKey();
            Route.Handler handler = project(typed.getValue(), true);
            String action = "command.issue." + name.replace('-', '_');
            routes.add(Route.post("/projects/{slug}/commands/" + name, Tag.COMMANDS, typedCommandNeed(name))
                    .status(Status.ACCEPTED_202)
                    .summary("Issue " + name + " to an agent of the project (the original dashboard's body)"
                            + (throttled(name) ? "; throttled per address" : ""))
                    .handle(throttled(name) ? throttled(handler, action, targetType(name))
                            : audited(handler, action, targetType(name))));
        }
        return routes;
    }

    /** A project endpoint: the caller as the route table resolved it, the request as the handler reads it. */
    private static Route.Handler project(ProjectEndpoint endpoint, boolean withBody) {
        return call -> {
            Projects.ProjectRecord p = call.project;
            ProjectCaller caller = new ProjectCaller(new Directory.Project(p.id(), p.slug(), p.name(), p.createdAt()),
                    Role.valueOf(call.role.toUpperCase(java.util.Locale.ROOT)), call.caller.userId(), call);
            try {
                return endpoint.handle(caller, HelidonReplies.request(call.request, withBody));
            } catch (ApiProblem problem) {
                throw envelope(problem);
            }
        };
    }

    /** A refused mutation leaves a failure row (a success row is the handler's, with its metadata). */
    private Route.Handler audited(Route.Handler handler, String action, String targetType) {
        return call -> {
            try {
                return handler.handle(call);
            } catch (ApiError e) {
                Map<String, Object> metadata = new HashMap<>();
                metadata.put("error", e.code);
                metadata.put("message", e.getMessage());
                audit.failure(call, action, targetType, null, metadata);
                throw e;
            }
        };
    }

    /** At most 10 bulk actions a minute per client address, across the three bulk routes. */
    private Route.Handler throttled(Route.Handler handler, String action, String targetType) {
        Route.Handler inner = audited(handler, action, targetType);
        return call -> {
            if (!bulkThrottle.tryHit(call.ip)) {
                throw ApiError.rateLimited(BULK_THROTTLE);
            }
            return inner.handle(call);
        };
    }

    /**
     * A home endpoint: the projects the caller may see with its role in each. A global admin sees
     * every active project (role null where it has no membership); a key bound to a project sees
     * that one project only.
     */
    private Route.Handler home(HomeEndpoint endpoint) {
        return call -> {
            Caller c = call.caller;
            Map<UUID, Role> roles = new HashMap<>();
            if (c.userId() != null) {
                for (Accounts.Membership m : access.accounts().membershipsOfUser(c.userId())) {
                    roles.put(m.projectId(), Role.valueOf(m.role().toUpperCase(java.util.Locale.ROOT)));
                }
            }
            UUID boundTo = c.viaKey() ? c.key().projectId() : null;
            List<Projects.ProjectRecord> rows;
            if (boundTo != null) {
                rows = access.projects().byId(boundTo).filter(Projects.ProjectRecord::active)
                        .filter(p -> c.globalAdmin() || roles.containsKey(p.id())).map(List::of).orElse(List.of());
            } else if (c.globalAdmin()) {
                rows = access.projects().active(HOME_MAX_PROJECTS);
            } else {
                rows = access.projects().activeOfMember(c.userId(), HOME_MAX_PROJECTS);
            }
            List<HomeCaller.VisibleProject> visible = rows.stream()
                    .map(p -> new HomeCaller.VisibleProject(p.id(), p.slug(), p.name(), p.environment(), roles.get(p.id())))
                    .toList();
            HomeCaller.User user = c.user() == null ? null : new HomeCaller.User(c.user().id(), c.user().email(),
                    c.user().displayName(), c.user().admin());
            try {
                return endpoint.handle(new HomeCaller(user, c.globalAdmin() && boundTo == null, visible),
                        HelidonReplies.request(call.request, false));
            } catch (ApiProblem problem) {
                throw envelope(problem);
            }
        };
    }

    /** The handler's refusal in the route table's envelope (which adds the request id). */
    static ApiError envelope(ApiProblem p) {
        return new ApiError(Status.create(p.status()), p.code(), p.getMessage(), p.details());
    }
}
