package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.UUID;

/** One stored event of a task's timeline; {@code payloadJson} is the event's data object as JSON text. */
public record EventView(UUID id, UUID projectId, UUID agentId, String engine, String taskId, String kind,
                        Instant occurredAt, String payloadJson) {}
