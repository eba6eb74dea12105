package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.StoreException;

/** A cross-project endpoint, called with the caller the route layer resolved. */
@FunctionalInterface
public interface HomeEndpoint {
    Answer handle(HomeCaller caller, ApiRequest req) throws ApiProblem, StoreException;
}
