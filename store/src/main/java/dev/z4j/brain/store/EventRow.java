package dev.z4j.brain.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One validated, normalised agent event, ready to persist. Built by ingress from a verified
 * {@code event_batch}; the store never re-parses agent JSON except {@code payloadJson}.
 *
 * @param id          content-derived event id (docs/PROTOCOL.md 7.3): the dedupe key with projectId
 * @param projectId   from the authenticated connection, never from the payload
 * @param agentId     from the authenticated connection
 * @param engine      non-empty, at most 40 chars
 * @param taskId      "" for non-task events, at most 200 chars
 * @param kind        a known kind of docs/PROTOCOL.md 7.1 or "unknown", at most 80 chars
 * @param occurredAt  agent time after the clamp of docs/PROTOCOL.md 7.3
 * @param receivedAt  brain receive time; its UTC day is the partition key
 * @param payloadJson the event's {@code data} object as compact JSON text ("{}" if absent)
 * @param task        facts for the task projection, or null when the event does not project
 * @param queue       {@code data.queue} when a non-empty string, else null
 * @param worker      {@code data.worker} when a non-empty string, else null
 */
public record EventRow(
        UUID id,
        UUID projectId,
        UUID agentId,
        String engine,
        String taskId,
        String kind,
        Instant occurredAt,
        Instant receivedAt,
        String payloadJson,
        TaskFacts task,
        String queue,
        String worker) {
}
