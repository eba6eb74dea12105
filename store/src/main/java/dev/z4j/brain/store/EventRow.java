package dev.z4j.brain.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One validated, normalised agent event, ready to persist. Built by ingress from a verified
 * {@code event_batch}; the store never re-parses agent JSON except {@code payloadJson}.
 *
 * @param id          content-derived event id: the dedupe key with projectId
 * @param projectId   from the authenticated connection, never from the payload
 * @param agentId     from the authenticated connection
 * @param engine      non-empty, at most {@link FieldCaps#ENGINE} code points
 * @param taskId      "" for non-task events, at most {@link FieldCaps#TASK_ID} code points
 * @param kind        a known event kind or "unknown", at most {@link FieldCaps#KIND} code points
 * @param occurredAt  agent time after ingress's clamp to [received - 400 days, received + 60 s], cut to microseconds
 * @param receivedAt  brain receive time, cut to microseconds; its UTC day is the partition key
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

    /** Both databases keep microseconds; cutting here means neither rounds nor truncates its own way. */
    public EventRow {
        occurredAt = occurredAt == null ? null : occurredAt.truncatedTo(ChronoUnit.MICROS);
        receivedAt = receivedAt == null ? null : receivedAt.truncatedTo(ChronoUnit.MICROS);
    }
}
