package dev.z4j.brain.store;

import java.time.Instant;
import java.util.UUID;

/**
 * The net effect of one batch's events on one task, built by {@link TaskFold}: what the batch
 * says about each column, and the four facts the state precedence of {@link TaskMerge} needs.
 * Null means "the batch says nothing about it", except for exception and traceback when
 * {@code replacesFailureText} is true (then null clears them).
 *
 * @param replacesFailureText the batch had a success or failure event: exception and traceback
 *                            become this batch's values (a success clears them)
 * @param firstTerminalState  the earliest terminal state of the batch (it beats any non-terminal
 *                            stored state whatever the times), or null
 * @param lastTerminalState   the latest terminal state of the batch, or null
 * @param lastTerminalAt      its occurred_at
 * @param lastNonTerminalState the latest non-terminal state (received, started, retry), or null
 * @param lastNonTerminalAt   its occurred_at
 * @param firstReceivedDay    the earliest receive day (UTC days since 1970-01-01) of the batch's
 *                            events of this task: the events partition the oldest of them is in
 * @param lastReceivedDay     the latest receive day of the batch's events of this task
 */
public record TaskUpdate(
        UUID projectId,
        String engine,
        String taskId,
        String name,
        String queue,
        String priority,
        String argsJson,
        String kwargsJson,
        String resultJson,
        Long runtimeMs,
        Integer retryCount,
        String workerName,
        String parentTaskId,
        String rootTaskId,
        boolean replacesFailureText,
        String exception,
        String traceback,
        Instant receivedAt,
        Instant startedAt,
        Instant finishedAt,
        String firstTerminalState,
        String lastTerminalState,
        Instant lastTerminalAt,
        String lastNonTerminalState,
        Instant lastNonTerminalAt,
        long firstReceivedDay,
        long lastReceivedDay) {

    /**
     * The state of a row this update creates: the precedence of {@link TaskMerge} applied to a
     * pending row with no lifecycle time, where every state of the batch passes the time test.
     */
    public String insertState() {
        if (lastTerminalState != null) {
            return lastTerminalState;
        }
        return lastNonTerminalState != null ? lastNonTerminalState : "pending";
    }
}
