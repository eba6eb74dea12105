package dev.z4j.brain.store.read;

import java.util.List;
import java.util.Map;

/**
 * A project's counts for its overview page. The "window" counts are over the asked window only;
 * {@code tasksByState} is all-time and always has every state of {@link SqlOperatorReads#TASK_STATES}.
 *
 * @param tasksFailedInWindow     tasks in state failure whose finished_at is in the window
 * @param tasksSucceededInWindow  tasks in state success whose finished_at is in the window
 * @param agentWorkersOnline      online agent connection slots (agent_workers), not engine workers
 * @param commandsPending         commands pending or dispatched, whenever issued
 * @param queueDepths             queues with a known depth, by name
 */
public record StatsView(Map<String, Long> tasksByState, long tasksFailedInWindow, long tasksSucceededInWindow,
                        long agentsOnline, long agentsOffline, long workersOnline, long workersOffline,
                        long agentWorkersOnline, long commandsPending, long commandsCompletedInWindow,
                        long commandsFailedInWindow, long commandsTimeoutInWindow, List<QueueView> queueDepths) {
    public StatsView {
        tasksByState = Map.copyOf(tasksByState);
        queueDepths = List.copyOf(queueDepths);
    }
}
