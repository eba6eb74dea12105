package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.UUID;

/**
 * One project's line of the home page.
 *
 * @param tasksStarted    tasks whose started_at is in the window
 * @param tasksFailed     tasks in state failure whose finished_at is in the window
 * @param stuckCommands   commands still dispatched after their timeout_at
 * @param lastActivityAt  newest event time that named one of its workers or queues, or null
 */
public record ProjectActivity(UUID projectId, long tasksStarted, long tasksFailed, long workersOnline,
                              long workersTotal, long agentsOnline, long agentsTotal, long stuckCommands,
                              Instant lastActivityAt) {}
