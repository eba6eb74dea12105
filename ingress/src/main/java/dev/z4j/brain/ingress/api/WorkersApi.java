package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.WorkerView;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code GET /projects/{slug}/workers} and {@code GET /projects/{slug}/workers/{worker_id}}. */
public final class WorkersApi {
    public static final int MAX_WORKERS = 500;

    private final OperatorReads reads;

    public WorkersApi(OperatorReads reads) {
        this.reads = reads;
    }

    public Answer list(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        List<WorkerView> workers = reads.workers(caller.project().id(), MAX_WORKERS);
        return Answer.ok(Shapes.array(workers, (g, w) -> Shapes.worker(g, w, false)));
    }

    public Answer detail(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        UUID id = Params.uuid("worker_id", req.path("worker_id"));
        WorkerView w = reads.worker(caller.project().id(), id).orElseThrow(() ->
                ApiProblem.notFound("worker not found", Map.of("worker_id", id.toString())));
        return Answer.ok(g -> Shapes.worker(g, w, true));
    }
}
