package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.TaskRef;
import dev.z4j.brain.store.read.TaskView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The nine typed command endpoints, {@code POST /projects/{slug}/commands/<name>}, each answering
 * 202 with the stored command (CommandPublic): bodies, roles and payloads as the original builds
 * them. Every body takes {@code agent_id} (an agent of this project; omitted: the project's newest
 * online agent, an extension) and an optional {@code idempotency_key} (1..200 characters).
 */
public final class TypedCommandsApi {
    /** Engines commands can be dispatched to. */
    public static final Set<String> ENGINES = Set.of("celery", "rq", "dramatiq");
    static final int OVERRIDE_MAX_BYTES = 64 * 1024;
    private static final Pattern RATE = Pattern.compile("^(0|[1-9]\\d*(/[smh])?)$");
    /** Keys of a bulk retry's filter only the brain may fill in (from its tasks table). */
    private static final List<String> SERVER_OWNED_FILTER_KEYS = List.of("task_names", "task_priorities", "overrides");

    private final OperatorReads reads;
    private final CommandIssuer issuer;

    public TypedCommandsApi(OperatorReads reads, CommandIssuer issuer) {
        this.reads = reads;
        this.issuer = issuer;
    }

    /** Path segment after {@code /commands/} to handler, for route registration. */
    public Map<String, ProjectEndpoint> endpoints() {
        Map<String, ProjectEndpoint> m = new LinkedHashMap<>();
        m.put("retry-task", this::retryTask);
        m.put("cancel-task", this::cancelTask);
        m.put("bulk-retry", this::bulkRetry);
        m.put("purge-queue", this::purgeQueue);
        m.put("restart-worker", this::restartWorker);
        m.put("pool-resize", this::poolResize);
        m.put("add-consumer", this::addConsumer);
        m.put("cancel-consumer", this::cancelConsumer);
        m.put("rate-limit", this::rateLimit);
        return m;
    }

    private Answer issue(ProjectCaller caller, CommandIntent intent) throws ApiProblem, StoreException {
        CommandStore.Command c = issuer.issue(caller, intent);
        return Answer.accepted(g -> Shapes.command(g, c));
    }

    /** The parts every body has. */
    private record Common(BodyFields body, UUID agentId, String idempotencyKey) {}

    private static Common common(ApiRequest req) throws ApiProblem {
        BodyFields body = new BodyFields(req.json());
        return new Common(body, body.optionalUuid("agent_id"), body.optionalText("idempotency_key", 1, 200));
    }

    private static String engine(BodyFields body) throws ApiProblem {
        String engine = body.text("engine", 1, 40);
        if (!ENGINES.contains(engine)) {
            throw ApiProblem.invalid("engine", "must be one of " + new java.util.TreeSet<>(ENGINES) + ", got '"
                    + engine + "'");
        }
        return engine;
    }

    /**
     * Operator. {@code {engine, task_id, override_args?, override_kwargs?, eta_seconds?}}; the payload
     * carries the task's name, its stored args and kwargs (each null when overridden) and priority.
     */
    public Answer retryTask(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR); // before the task lookup: a non-operator learns nothing about tasks
        Common c = common(req);
        String engine = engine(c.body());
        String taskId = c.body().text("task_id", 1, 200);
        ArrayNode overrideArgs = c.body().optionalArray("override_args", OVERRIDE_MAX_BYTES);
        ObjectNode overrideKwargs = c.body().optionalObject("override_kwargs", OVERRIDE_MAX_BYTES);
        Long eta = c.body().integer("eta_seconds", 0, 86_400, null);
        Optional<TaskView> task = reads.task(caller.project().id(), engine, taskId);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("engine", engine);
        p.put("task_id", taskId);
        p.put("task_name", task.map(TaskView::name).orElse(null));
        p.set("args", overrideArgs != null ? null : stored(task.map(TaskView::argsJson).orElse(null)));
        p.set("kwargs", overrideKwargs != null ? null : stored(task.map(TaskView::kwargsJson).orElse(null)));
        p.set("override_args", overrideArgs);
        p.set("override_kwargs", overrideKwargs);
        if (eta == null) {
            p.putNull("eta_seconds");
        } else {
            p.put("eta_seconds", eta);
        }
        p.put("priority", task.map(TaskView::priority).orElse(null));
        return issue(caller, new CommandIntent(Role.OPERATOR, "retry_task", "task", engine + ":" + taskId, engine, p,
                c.agentId(), c.idempotencyKey()));
    }

    /** Operator. {@code {engine, task_id}}. */
    public Answer cancelTask(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR);
        Common c = common(req);
        String engine = engine(c.body());
        String taskId = c.body().text("task_id", 1, 200);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("engine", engine);
        p.put("task_id", taskId);
        return issue(caller, new CommandIntent(Role.OPERATOR, "cancel_task", "task", engine + ":" + taskId, engine, p,
                c.agentId(), c.idempotencyKey()));
    }

    /**
     * Operator. {@code {filter: {...}, max: 1..10000 (1000)}}: the filter goes to the agent, except
     * the keys only the brain fills in (task_names, task_priorities, overrides), which are dropped
     * and listed in {@code rejected_client_supplied_filter_keys}. With {@code filter.task_ids} and a
     * known {@code filter.engine}, the brain adds the tasks' names and priorities; an rq task it has
     * no name for is a 400 (rq re-enqueues by name).
     */
    public Answer bulkRetry(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR);
        Common c = common(req);
        ObjectNode given = c.body().optionalObject("filter", OVERRIDE_MAX_BYTES);
        ObjectNode filter = given == null ? Json.MAPPER.createObjectNode() : given.deepCopy();
        long max = c.body().integer("max", 1, 10_000, 1000L);
        List<String> rejected = new ArrayList<>();
        for (String key : SERVER_OWNED_FILTER_KEYS) {
            if (filter.has(key)) {
                filter.remove(key);
                rejected.add(key);
            }
        }
        String engine = filter.path("engine").isTextual() && ENGINES.contains(filter.get("engine").textValue())
                ? filter.get("engine").textValue() : null;
        JsonNode ids = filter.get("task_ids");
        if (engine != null && ids != null && ids.isArray() && !ids.isEmpty()) {
            Set<String> wanted = new LinkedHashSet<>();
            for (JsonNode id : ids) {
                if (!id.isTextual()) {
                    throw ApiProblem.invalid("filter.task_ids", "must be a list of task id strings");
                }
                if (wanted.size() < max) {
                    wanted.add(id.textValue());
                }
            }
            Map<String, TaskRef> known = reads.taskRefs(caller.project().id(), engine, wanted);
            if (engine.equals("rq")) {
                List<String> unnamed = wanted.stream()
                        .filter(id -> !known.containsKey(id) || known.get(id).name() == null).toList();
                if (!unnamed.isEmpty()) {
                    throw new ApiProblem(400, "bad_request", "rq re-enqueues jobs by name and the brain has no name "
                            + "for " + unnamed.size() + " of the task_ids", Map.of("task_ids_without_name",
                            unnamed.subList(0, Math.min(unnamed.size(), 50))));
                }
            }
            ObjectNode names = filter.putObject("task_names");
            ObjectNode priorities = filter.putObject("task_priorities");
            for (TaskRef t : known.values()) {
                names.put(t.taskId(), t.name());
                priorities.put(t.taskId(), t.priority());
            }
        }
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.set("filter", filter);
        p.put("max", max);
        if (!rejected.isEmpty()) {
            ArrayNode r = p.putArray("rejected_client_supplied_filter_keys");
            rejected.forEach(r::add);
        }
        return issue(caller, new CommandIntent(Role.OPERATOR, "bulk_retry", "bulk", null, engine, p, c.agentId(),
                c.idempotencyKey()));
    }

    /**
     * Project admin. {@code {queue, confirm_token?, force?}}. The brain does not check the token:
     * the agent refuses unless it matches its own measurement of the queue, or force is true.
     */
    public Answer purgeQueue(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.ADMIN);
        Common c = common(req);
        String queue = c.body().text("queue", 1, 200);
        String token = c.body().optionalText("confirm_token", 1, 128);
        boolean force = c.body().bool("force", false);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("queue", queue);
        p.put("confirm_token", token);
        p.put("force", force);
        return issue(caller, new CommandIntent(Role.ADMIN, "purge_queue", "queue", queue, null, p, c.agentId(),
                c.idempotencyKey()));
    }

    /** Operator. {@code {worker_name}}. */
    public Answer restartWorker(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR);
        Common c = common(req);
        String worker = c.body().text("worker_name", 1, 200);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("worker_name", worker);
        return worker(caller, c, "restart_worker", worker, p);
    }

    /** Operator. {@code {worker_name, delta: -100..100}}: pool_grow when delta > 0, else pool_shrink, by |delta|. */
    public Answer poolResize(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR);
        Common c = common(req);
        String worker = c.body().text("worker_name", 1, 200);
        Long delta = c.body().integer("delta", -100, 100, null);
        if (delta == null) {
            throw ApiProblem.invalid("delta", "is required");
        }
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("worker_name", worker);
        p.put("delta", Math.abs(delta));
        return worker(caller, c, delta > 0 ? "pool_grow" : "pool_shrink", worker, p);
    }

    /** Operator. {@code {worker_name, queue}}. */
    public Answer addConsumer(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        return consumer(caller, req, "add_consumer");
    }

    /** Operator. {@code {worker_name, queue}}. */
    public Answer cancelConsumer(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        return consumer(caller, req, "cancel_consumer");
    }

    private Answer consumer(ProjectCaller caller, ApiRequest req, String action) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR);
        Common c = common(req);
        String worker = c.body().text("worker_name", 1, 200);
        String queue = c.body().text("queue", 1, 200);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("worker_name", worker);
        p.put("queue", queue);
        return worker(caller, c, action, worker, p);
    }

    private Answer worker(ProjectCaller caller, Common c, String action, String worker, ObjectNode payload)
            throws ApiProblem, StoreException {
        return issue(caller, new CommandIntent(Role.OPERATOR, action, "worker", worker, null, payload, c.agentId(),
                c.idempotencyKey()));
    }

    /**
     * Operator. {@code {task_name, rate, worker_name?}}: rate is Celery's ("0" clears it, else an
     * integer with an optional /s /m /h); no worker_name means every worker.
     */
    public Answer rateLimit(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.OPERATOR);
        Common c = common(req);
        String taskName = c.body().text("task_name", 1, 500);
        String rate = c.body().text("rate", 1, 20);
        if (!RATE.matcher(rate).matches()) {
            throw ApiProblem.invalid("rate", "must be 0, or an integer optionally followed by /s, /m or /h, was '"
                    + rate + "'");
        }
        String worker = c.body().optionalText("worker_name", 0, 200);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("task_name", taskName);
        p.put("rate", rate);
        p.put("worker_name", worker == null || worker.isEmpty() ? null : worker);
        return issue(caller, new CommandIntent(Role.OPERATOR, "rate_limit", "task", taskName, null, p, c.agentId(),
                c.idempotencyKey()));
    }

    /** Stored JSON text as a tree (null stays null). */
    private static JsonNode stored(String json) throws ApiProblem {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored task JSON is not JSON", e);
        }
    }
}
