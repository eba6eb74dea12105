package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.StoreException;

/** An endpoint of one project, called with the caller the route layer resolved. */
@FunctionalInterface
public interface ProjectEndpoint {
    Answer handle(ProjectCaller caller, ApiRequest req) throws ApiProblem, StoreException;
}
