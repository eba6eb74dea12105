package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.AgentRef;
import dev.z4j.brain.store.read.EventView;
import dev.z4j.brain.store.read.FailureView;
import dev.z4j.brain.store.read.Keys;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.ProjectActivity;
import dev.z4j.brain.store.read.QueueView;
import dev.z4j.brain.store.read.StatsView;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskRef;
import dev.z4j.brain.store.read.TaskTree;
import dev.z4j.brain.store.read.TaskView;
import dev.z4j.brain.store.read.TrendBucket;
import dev.z4j.brain.store.read.WorkerView;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator reads with a read replica: what may be a few seconds stale goes where
 * {@link ReadRouting} says, what must be fresh stays on the primary. This class is the table.
 *
 * <ul>
 *   <li>Read replica (when it serves and the project is not pinned): task lists, counts and
 *       exports, task detail, tree and events, workers, queues, stats, trends, the home page
 *       activity and recent failures, and the task names a bulk retry looks up.</li>
 *   <li>Primary, always: commands (list, detail, idempotency key; an operator issues a command
 *       and watches it at once, and the tables are small), agents (a command goes to an agent
 *       that is online now), the project list (projects are created and read back at once), and
 *       every write.</li>
 *   <li>After a task deletion the project's reads stay on the primary until the standby has
 *       replayed it, so deleted tasks never reappear in the list the operator just changed.</li>
 * </ul>
 * Users, sessions, API keys and the audit log are not operator reads: they are always on the primary.
 */
final class RoutedOperatorReads implements OperatorReads {
    private final OperatorReads routed;
    private final OperatorReads primary;
    private final ReadRouting routing;

    /**
     * @param routed  runs on {@link ReadRouting#runner()} (standby, or the primary when it falls back)
     * @param primary runs on the primary only
     */
    RoutedOperatorReads(OperatorReads routed, OperatorReads primary, ReadRouting routing) {
        this.routed = routed;
        this.primary = primary;
        this.routing = routing;
    }

    private OperatorReads of(UUID project) {
        return routing.standbyFor(project) ? routed : onPrimary();
    }

    private OperatorReads of(Collection<UUID> projects) {
        return routing.standbyFor(projects) ? routed : onPrimary();
    }

    /** A read that could have gone to the standby goes to the primary (counted as served there). */
    private OperatorReads onPrimary() {
        routing.servedByPrimary();
        return primary;
    }

    // ------------------------------------------------------------------ may be a few seconds stale

    @Override
    public List<TaskView> tasks(TaskFilter filter, Keys.Task after, int limit) throws StoreException {
        return of(filter.projectId()).tasks(filter, after, limit);
    }

    @Override
    public long countTasks(TaskFilter filter, Keys.Task after, long max) throws StoreException {
        return of(filter.projectId()).countTasks(filter, after, max);
    }

    @Override
    public Optional<TaskView> task(UUID projectId, String engine, String taskId) throws StoreException {
        return of(projectId).task(projectId, engine, taskId);
    }

    @Override
    public Optional<TaskTree> taskTree(UUID projectId, String engine, String taskId, int maxNodes)
            throws StoreException {
        return of(projectId).taskTree(projectId, engine, taskId, maxNodes);
    }

    @Override
    public List<EventView> events(UUID projectId, String engine, String taskId, Keys.Event after, int limit)
            throws StoreException {
        return of(projectId).events(projectId, engine, taskId, after, limit);
    }

    @Override
    public List<WorkerView> workers(UUID projectId, int limit) throws StoreException {
        return of(projectId).workers(projectId, limit);
    }

    @Override
    public Optional<WorkerView> worker(UUID projectId, UUID workerId) throws StoreException {
        return of(projectId).worker(projectId, workerId);
    }

    @Override
    public List<QueueView> queues(UUID projectId) throws StoreException {
        return of(projectId).queues(projectId);
    }

    @Override
    public StatsView stats(UUID projectId, Instant since) throws StoreException {
        return of(projectId).stats(projectId, since);
    }

    @Override
    public List<TrendBucket> trends(UUID projectId, Instant since, Instant until, long bucketSeconds)
            throws StoreException {
        return of(projectId).trends(projectId, since, until, bucketSeconds);
    }

    @Override
    public Map<UUID, ProjectActivity> activity(Collection<UUID> projectIds, Instant since, Instant now)
            throws StoreException {
        return of(projectIds).activity(projectIds, since, now);
    }

    @Override
    public List<FailureView> recentFailures(Collection<UUID> projectIds, Keys.Failure after, int limit)
            throws StoreException {
        return of(projectIds).recentFailures(projectIds, after, limit);
    }

    @Override
    public Map<String, TaskRef> taskRefs(UUID projectId, String engine, Collection<String> taskIds)
            throws StoreException {
        return of(projectId).taskRefs(projectId, engine, taskIds);
    }

    // ------------------------------------------------------------------ fresh: the primary

    @Override
    public List<CommandStore.Command> commands(UUID projectId, String status, Keys.Command after, int limit)
            throws StoreException {
        return primary.commands(projectId, status, after, limit);
    }

    @Override
    public Optional<CommandStore.Command> command(UUID projectId, UUID commandId) throws StoreException {
        return primary.command(projectId, commandId);
    }

    @Override
    public Optional<CommandStore.Command> commandByIdempotencyKey(UUID projectId, String key) throws StoreException {
        return primary.commandByIdempotencyKey(projectId, key);
    }

    @Override
    public Optional<AgentRef> agent(UUID agentId) throws StoreException {
        return primary.agent(agentId);
    }

    @Override
    public Optional<AgentRef> newestOnlineAgent(UUID projectId) throws StoreException {
        return primary.newestOnlineAgent(projectId);
    }

    @Override
    public List<Directory.Project> projects(int max) throws StoreException {
        return primary.projects(max);
    }

    // ------------------------------------------------------------------ writes: primary, then pin

    @Override
    public int deleteTasks(UUID projectId, Collection<UUID> taskRowIds) throws StoreException {
        int deleted = primary.deleteTasks(projectId, taskRowIds);
        if (deleted > 0) {
            routing.pinUntilReplayed(projectId);
        }
        return deleted;
    }

    @Override
    public int deleteTasks(TaskFilter filter, int max) throws StoreException {
        int deleted = primary.deleteTasks(filter, max);
        if (deleted > 0) {
            routing.pinUntilReplayed(filter.projectId());
        }
        return deleted;
    }
}
