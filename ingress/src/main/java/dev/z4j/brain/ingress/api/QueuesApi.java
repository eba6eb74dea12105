package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;

/** {@code GET /projects/{slug}/queues}: the project's queues by name (depths are in the stats). */
public final class QueuesApi {
    private final OperatorReads reads;

    public QueuesApi(OperatorReads reads) {
        this.reads = reads;
    }

    public Answer list(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException {
        caller.require(Role.VIEWER);
        return Answer.ok(Shapes.array(reads.queues(caller.project().id()), Shapes::queue));
    }
}
