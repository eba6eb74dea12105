package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskTree;
import dev.z4j.brain.store.read.TaskView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /projects/{slug}/tasks} (list, filters, search, keyset pages, CSV/JSON export),
 * {@code GET .../tasks/{engine}/{task_id}}, {@code .../tree}, {@code POST .../tasks/bulk-delete}.
 */
public final class TasksApi {
    /** Rows an export may hold; a filter matching more is refused (narrow it). */
    public static final int EXPORT_MAX_ROWS = 50_000;
    public static final int TREE_MAX_NODES = 500;
    public static final int BULK_DELETE_IDS = 1000;
    public static final int BULK_DELETE_FILTERED = 10_000;
    private static final Set<String> PRIORITIES = Set.of("critical", "high", "normal", "low");
    private static final Set<String> DELETE_KEYS = Set.of("task_ids", "filter_state", "filter_name", "filter_queue",
            "filter_since", "filter_until");

    private final OperatorReads reads;
    private final AuditTrail audit;

    public TasksApi(OperatorReads reads, AuditTrail audit) {
        this.reads = reads;
        this.audit = audit;
    }

    /** The list (viewer), or with {@code format} the export of what the list would page through. */
    public Answer list(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        TaskFilter filter = filter(caller, req);
        String cursor = req.query("cursor");
        Keys.Task after = cursor == null || cursor.isEmpty() ? null : Cursors.task(cursor);
        String format = req.query("format");
        if (format != null) {
            return export(caller, req, filter, after, format);
        }
        int limit = Params.limit(req);
        List<TaskView> page = reads.tasks(filter, after, limit);
        String next = page.size() == limit ? Cursors.task(Keys.Task.of(page.getLast())) : null;
        return Answer.ok(Shapes.page(page, Shapes::task, next));
    }

    /** The task-list filters (docs/OPERATOR-READS.md): unknown states and priorities are ignored, as the original does. */
    private static TaskFilter filter(ProjectCaller caller, ApiRequest req) throws ApiProblem {
        TaskFilter f = TaskFilter.all(caller.project().id());
        String state = req.query("state");
        if (state != null && SqlOperatorReads.TASK_STATES.contains(state)) {
            f = f.withState(state);
        }
        String priority = req.query("priority");
        if (priority != null) {
            List<String> known = new ArrayList<>();
            for (String p : priority.split(",")) {
                String v = p.strip().toLowerCase(java.util.Locale.ROOT);
                if (PRIORITIES.contains(v) && !known.contains(v)) {
                    known.add(v);
                }
            }
            f = f.withPriorities(known);
        }
        return f.withName(Params.text(req, "name", 200))
                .withSearch(Params.text(req, "search", 200))
                .withQueue(Params.text(req, "queue", 200))
                .withWorker(Params.text(req, "worker", 200))
                .withSince(Params.time(req, "since"))
                .withUntil(Params.time(req, "until"));
    }

    private Answer export(ProjectCaller caller, ApiRequest req, TaskFilter filter, Keys.Task after, String format)
            throws ApiProblem, StoreException {
        if (format.equals("xlsx")) {
            throw new ApiProblem(406, "not_acceptable", "xlsx export is not available from this brain; use "
                    + "format=csv (opens in any spreadsheet) or format=json", Map.of("format", format,
                    "available", List.of("csv", "json")));
        }
        if (!format.equals("csv") && !format.equals("json")) {
            throw ApiProblem.invalid("format", "must be csv, json or xlsx, was '" + Params.brief(format) + "'");
        }
        String fields = Params.text(req, "fields", 500);
        TaskExport export = TaskExport.of(fields);
        // A file that looks complete and is not would be worse than a refusal: count first (bounded).
        if (reads.countTasks(filter, after, EXPORT_MAX_ROWS + 1L) > EXPORT_MAX_ROWS) {
            throw new ApiProblem(422, "validation_error", format + " task export is capped at " + EXPORT_MAX_ROWS
                    + " rows; narrow the filter (state, priority, queue, worker, since, until, name, search)",
                    Map.of("cap", EXPORT_MAX_ROWS, "format", format));
        }
        String file = "z4j-tasks-" + caller.project().slug() + "." + format;
        String type = TaskExport.contentTypes().get(format);
        return new Answer.File(200, type, file, format.equals("csv")
                ? out -> export.csv(reads, filter, after, EXPORT_MAX_ROWS, out)
                : out -> export.json(reads, filter, after, EXPORT_MAX_ROWS, out));
    }

    public Answer detail(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        String engine = req.path("engine");
        String taskId = req.path("task_id");
        TaskView t = reads.task(caller.project().id(), engine, taskId).orElseThrow(() -> taskNotFound(engine, taskId));
        return Answer.ok(g -> Shapes.task(g, t));
    }

    public Answer tree(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        String engine = req.path("engine");
        String taskId = req.path("task_id");
        TaskTree tree = reads.taskTree(caller.project().id(), engine, taskId, TREE_MAX_NODES)
                .orElseThrow(() -> taskNotFound(engine, taskId));
        return Answer.ok(Shapes.tree(tree));
    }

    static ApiProblem taskNotFound(String engine, String taskId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("engine", engine);
        details.put("task_id", taskId);
        return ApiProblem.notFound("task not found", details);
    }

    /**
     * Project admin. Either {@code {"task_ids": [row uuids, at most 1000]}} or filters
     * ({@code filter_state}, {@code filter_name} (A-Z case-insensitive substring), {@code filter_queue},
     * {@code filter_since}, {@code filter_until}; at most 10 000 rows, newest first). Unknown keys, both
     * at once, or neither are refused: an empty body must not mean "everything".
     */
    public Answer bulkDelete(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.ADMIN);
        ObjectNode body = req.json();
        for (String key : (Iterable<String>) body::fieldNames) {
            if (!DELETE_KEYS.contains(key)) {
                throw ApiProblem.invalid(key, "is not a bulk-delete field; known: " + DELETE_KEYS);
            }
        }
        boolean byIds = body.has("task_ids") && !body.get("task_ids").isNull();
        boolean byFilter = DELETE_KEYS.stream().anyMatch(k -> !k.equals("task_ids") && body.hasNonNull(k));
        if (byIds == byFilter) {
            throw ApiProblem.invalid("body", byIds ? "takes task_ids or filters, not both"
                    : "needs task_ids or at least one filter_* field");
        }
        int deleted;
        if (byIds) {
            JsonNode ids = body.get("task_ids");
            if (!ids.isArray() || ids.isEmpty() || ids.size() > BULK_DELETE_IDS) {
                throw ApiProblem.invalid("task_ids", "must be a list of 1.." + BULK_DELETE_IDS + " task row ids");
            }
            List<UUID> rows = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                rows.add(Params.uuid("task_ids[" + i + "]", ids.get(i).isTextual() ? ids.get(i).textValue() : null));
            }
            deleted = reads.deleteTasks(caller.project().id(), rows);
        } else {
            TaskFilter f = TaskFilter.all(caller.project().id());
            if (body.hasNonNull("filter_state")) {
                String state = bodyText(body, "filter_state", 20);
                if (!SqlOperatorReads.TASK_STATES.contains(state)) {
                    throw ApiProblem.invalid("filter_state", "must be one of " + SqlOperatorReads.TASK_STATES);
                }
                f = f.withState(state);
            }
            f = f.withNameFolded(body.hasNonNull("filter_name") ? bodyText(body, "filter_name", 200) : null)
                    .withQueue(body.hasNonNull("filter_queue") ? bodyText(body, "filter_queue", 200) : null)
                    .withSince(body.hasNonNull("filter_since")
                            ? Params.time("filter_since", bodyText(body, "filter_since", 64)) : null)
                    .withUntil(body.hasNonNull("filter_until")
                            ? Params.time("filter_until", bodyText(body, "filter_until", 64)) : null);
            deleted = reads.deleteTasks(f, BULK_DELETE_FILTERED);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("deleted_count", deleted);
        metadata.put("selection_mode", byIds ? "task_ids" : "filters");
        audit.record(caller, "tasks.bulk_delete", "task", null, metadata);
        int count = deleted;
        return Answer.ok(g -> {
            g.writeStartObject();
            g.writeNumberField("deleted_count", count);
            g.writeEndObject();
        });
    }

    private static String bodyText(ObjectNode body, String field, int max) throws ApiProblem {
        JsonNode n = body.get(field);
        if (!n.isTextual() || n.textValue().isEmpty()) {
            throw ApiProblem.invalid(field, "must be a non-empty string");
        }
        return Params.storable(field, n.textValue(), max);
    }
}
