package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.UUID;

/** One queue of a project; {@code pendingCount} is the last depth an agent reported, or null. */
public record QueueView(UUID id, UUID projectId, String name, String engine, String brokerType, String brokerUrlHint,
                        Instant lastSeenAt, Instant createdAt, Integer pendingCount) {}
