package dev.z4j.brain.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One event as a test feeds it to both stores: everything of an {@link EventRow} except the
 * project and agent ids, which each store assigned itself ({@code agent} is an index into the
 * twin project's agents).
 */
record Ev(UUID id, int agent, String engine, String taskId, String kind, Instant occurredAt, Instant receivedAt,
          String payloadJson, TaskFacts task, String queue, String worker) {

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    EventRow row(UUID projectId, UUID agentId) {
        return new EventRow(id, projectId, agentId, engine, taskId, kind, occurredAt, receivedAt, payloadJson, task,
                queue, worker);
    }

    /** A task event of {@code kind} (task.received, ...) at {@code at}, received one second later. */
    static Ev task(String taskId, String kind, Instant at, TaskFacts facts) {
        return new Ev(UUID.randomUUID(), 0, "celery", taskId, kind, at, at.plusSeconds(1), "{\"k\":\"v\"}", facts,
                null, null);
    }

    /** A non-task event (worker.online, worker.heartbeat, ...) naming a worker. */
    static Ev worker(String kind, String worker, Instant at) {
        return new Ev(UUID.randomUUID(), 0, "celery", "", kind, at, at.plusSeconds(1), "{\"worker\":\"w\"}", null,
                null, worker);
    }

    Ev withQueue(String q) {
        return new Ev(id, agent, engine, taskId, kind, occurredAt, receivedAt, payloadJson, task, q, worker);
    }

    Ev withWorker(String w) {
        return new Ev(id, agent, engine, taskId, kind, occurredAt, receivedAt, payloadJson, task, queue, w);
    }

    Ev fromAgent(int index) {
        return new Ev(id, index, engine, taskId, kind, occurredAt, receivedAt, payloadJson, task, queue, worker);
    }

    Ev receivedAt(Instant at) {
        return new Ev(id, agent, engine, taskId, kind, occurredAt, at, payloadJson, task, queue, worker);
    }

    /** The same id with other content: what a second agent reporting the same broker event sends. */
    Ev withPayload(String json) {
        return new Ev(id, agent, engine, taskId, kind, occurredAt, receivedAt, json, task, queue, worker);
    }
}
