package dev.z4j.brain.store.read;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the operator API reads (and the few brain-side writes it makes on tasks), one method per
 * list or detail. Lists are keyset pages: {@code after} is the last row of the previous page (null
 * for the first), a page holds at most {@code limit} rows, and walking pages never repeats or skips
 * a row that stays put. Every list walks an index in its own order (docs/OPERATOR-READS.md).
 * Thread-safe.
 */
public interface OperatorReads {

    /** Tasks matching {@code filter}, started_at newest first, never-started tasks last, then id. */
    List<TaskView> tasks(TaskFilter filter, Keys.Task after, int limit) throws StoreException;

    /** How many tasks match {@code filter} after {@code after} (null: from the start), counting no further than {@code max}. */
    long countTasks(TaskFilter filter, Keys.Task after, long max) throws StoreException;

    Optional<TaskView> task(UUID projectId, String engine, String taskId) throws StoreException;

    /** The canvas {@code taskId} belongs to, at most {@code maxNodes} nodes; empty when the task is unknown. */
    Optional<TaskTree> taskTree(UUID projectId, String engine, String taskId, int maxNodes) throws StoreException;

    /**
     * The stored events of one task, occurred_at newest first, then id. Only the receive days the
     * task row covers are read (on PostgreSQL: only their partitions); a task without a row has none.
     */
    List<EventView> events(UUID projectId, String engine, String taskId, Keys.Event after, int limit)
            throws StoreException;

    /** Engine workers, last heartbeat newest first (never seen last), then name and id. */
    List<WorkerView> workers(UUID projectId, int limit) throws StoreException;

    Optional<WorkerView> worker(UUID projectId, UUID workerId) throws StoreException;

    /** Queues by name, then engine. */
    List<QueueView> queues(UUID projectId) throws StoreException;

    /** Commands, issued_at newest first, then id; {@code status} null = any. */
    List<CommandStore.Command> commands(UUID projectId, String status, Keys.Command after, int limit)
            throws StoreException;

    /** A command of this project (another project's command is absent). */
    Optional<CommandStore.Command> command(UUID projectId, UUID commandId) throws StoreException;

    Optional<CommandStore.Command> commandByIdempotencyKey(UUID projectId, String key) throws StoreException;

    /** Counts of the overview page; window = [since, now]. */
    StatsView stats(UUID projectId, Instant since) throws StoreException;

    /**
     * Finished tasks (success, failure, retry, revoked) with finished_at in [since, until], per bucket
     * of {@code bucketSeconds}, non-empty buckets only, oldest first.
     */
    List<TrendBucket> trends(UUID projectId, Instant since, Instant until, long bucketSeconds) throws StoreException;

    /** The home page line of each project; window starts at {@code since}, {@code now} decides stuck commands. */
    Map<UUID, ProjectActivity> activity(Collection<UUID> projectIds, Instant since, Instant now)
            throws StoreException;

    /** Failed tasks of these projects (null = every project), finished_at newest first, then id. */
    List<FailureView> recentFailures(Collection<UUID> projectIds, Keys.Failure after, int limit)
            throws StoreException;

    /** Deletes the project's tasks with these row ids; returns how many were deleted. */
    int deleteTasks(UUID projectId, Collection<UUID> taskRowIds) throws StoreException;

    /** Deletes at most {@code max} tasks matching {@code filter} (newest first); returns how many. */
    int deleteTasks(TaskFilter filter, int max) throws StoreException;

    Optional<AgentRef> agent(UUID agentId) throws StoreException;

    /** Projects by name (then slug), at most {@code max}: what a global admin's home page shows. */
    List<dev.z4j.brain.store.Directory.Project> projects(int max) throws StoreException;

    /** The project's newest (created last) agent that is online and not revoked. */
    Optional<AgentRef> newestOnlineAgent(UUID projectId) throws StoreException;

    /** Name and priority of the project's tasks with these ids (unknown ids are left out). */
    Map<String, TaskRef> taskRefs(UUID projectId, String engine, Collection<String> taskIds) throws StoreException;
}
