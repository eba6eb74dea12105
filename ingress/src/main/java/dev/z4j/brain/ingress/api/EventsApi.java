package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.EventView;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import java.util.List;

/** {@code GET /projects/{slug}/events?engine=&task_id=}: one task's timeline, newest first, keyset pages. */
public final class EventsApi {
    private final OperatorReads reads;

    public EventsApi(OperatorReads reads) {
        this.reads = reads;
    }

    public Answer list(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        String engine = required(req, "engine", 40);
        String taskId = required(req, "task_id", 200);
        int limit = Params.limit(req);
        String cursor = req.query("cursor");
        Keys.Event after = cursor == null || cursor.isEmpty() ? null : Cursors.event(cursor);
        List<EventView> page = reads.events(caller.project().id(), engine, taskId, after, limit);
        String next = page.size() == limit
                ? Cursors.event(new Keys.Event(page.getLast().occurredAt(), page.getLast().id())) : null;
        return Answer.ok(Shapes.page(page, Shapes::event, next));
    }

    private static String required(ApiRequest req, String name, int max) throws ApiProblem {
        String v = Params.text(req, name, max);
        if (v == null) {
            throw ApiProblem.invalid(name, "is required (1.." + max + " characters)");
        }
        return v;
    }
}
