package dev.z4j.brain.store;

/**
 * What one task event says about its task; {@link TaskFold} says what the store does with it.
 * Fields an event does not carry are null; JSON-valued fields are compact JSON text. The store
 * applies the caps of {@link FieldCaps} and the priority and canvas rules of {@link TaskFold}
 * itself, so a caller that skipped them gets the same rows on either database.
 *
 * @param state        target state: received, started, success, failure, retry, revoked, or null
 *                     for kinds that create the row but change no state (task.sent, task.rejected)
 * @param name         data.task_name or null (cut to {@link FieldCaps#TASK_NAME})
 * @param priority     critical|high|normal|low (others become normal), or null when the event has none
 * @param argsJson     data.args as JSON (received/started) or null
 * @param kwargsJson   data.kwargs as JSON (received/started) or null
 * @param resultJson   data.result as JSON (succeeded) or null
 * @param runtimeMs    data.runtime_ms (succeeded) or null
 * @param exception    data.exception (failed) or null (cut to {@link FieldCaps#FAILURE_TEXT})
 * @param traceback    data.traceback (failed) or null (cut to {@link FieldCaps#FAILURE_TEXT})
 * @param retryCount   data.retry_count or null
 * @param parentTaskId sanitised data.parent_task_id or null
 * @param rootTaskId   sanitised data.root_task_id or null
 */
public record TaskFacts(
        String state,
        String name,
        String priority,
        String argsJson,
        String kwargsJson,
        String resultJson,
        Long runtimeMs,
        String exception,
        String traceback,
        Integer retryCount,
        String parentTaskId,
        String rootTaskId) {
}
