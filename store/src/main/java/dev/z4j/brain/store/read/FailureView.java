package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.UUID;

/** A failed task for the home page's recent failures; {@code exception} is at most 501 characters. */
public record FailureView(UUID id, Instant finishedAt, UUID projectId, String engine, String taskId, String name,
                          String workerName, String exception, String priority) {}
