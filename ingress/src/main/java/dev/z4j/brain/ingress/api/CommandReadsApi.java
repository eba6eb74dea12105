package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@code GET /projects/{slug}/commands} (keyset pages, status filter) and {@code GET .../commands/{command_id}}. */
public final class CommandReadsApi {
    /**
     * Every status a command row may hold. 'cancelled' is allowed (nothing sets it, so it lists
     * nothing); any other value is refused by name rather than silently ignored as the original does.
     */
    public static final Set<String> STATUSES = Set.of("pending", "dispatched", "completed", "failed", "timeout",
            "cancelled");

    private final OperatorReads reads;

    public CommandReadsApi(OperatorReads reads) {
        this.reads = reads;
    }

    public Answer list(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        String status = req.query("status");
        if (status != null && status.isEmpty()) {
            status = null;
        }
        if (status != null && !STATUSES.contains(status)) {
            throw ApiProblem.invalid("status", "must be one of " + new java.util.TreeSet<>(STATUSES) + ", was '"
                    + Params.brief(status) + "'");
        }
        int limit = Params.limit(req);
        String cursor = req.query("cursor");
        Keys.Command after = cursor == null || cursor.isEmpty() ? null : Cursors.command(cursor);
        List<CommandStore.Command> page = reads.commands(caller.project().id(), status, after, limit);
        String next = page.size() == limit
                ? Cursors.command(new Keys.Command(page.getLast().issuedAt(), page.getLast().id())) : null;
        return Answer.ok(Shapes.page(page, Shapes::command, next));
    }

    public Answer detail(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        UUID id = Params.uuid("command_id", req.path("command_id"));
        CommandStore.Command c = reads.command(caller.project().id(), id).orElseThrow(() ->
                ApiProblem.notFound("command not found", Map.of("command_id", id.toString())));
        return Answer.ok(g -> Shapes.command(g, c));
    }
}
