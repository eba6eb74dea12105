package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Which tasks of one project a list, export, count or bulk delete is about. Null means "no filter".
 *
 * @param state      exact state
 * @param priorities any of these priorities (empty = any)
 * @param name       substring of the name, compared exactly
 * @param nameFolded substring of the name, A-Z and a-z alike
 * @param search     substring of the name, queue, worker name or task id, A-Z and a-z alike
 * @param queue      exact queue
 * @param worker     exact worker name
 * @param since      received_at at or after
 * @param until      received_at at or before
 */
public record TaskFilter(UUID projectId, String state, List<String> priorities, String name, String nameFolded,
                         String search, String queue, String worker, Instant since, Instant until) {

    public TaskFilter {
        Objects.requireNonNull(projectId, "projectId");
        priorities = priorities == null ? List.of() : List.copyOf(priorities);
    }

    /** Every task of the project. */
    public static TaskFilter all(UUID projectId) {
        return new TaskFilter(projectId, null, List.of(), null, null, null, null, null, null, null);
    }

    public TaskFilter withState(String s) {
        return new TaskFilter(projectId, s, priorities, name, nameFolded, search, queue, worker, since, until);
    }

    public TaskFilter withPriorities(List<String> p) {
        return new TaskFilter(projectId, state, p, name, nameFolded, search, queue, worker, since, until);
    }

    public TaskFilter withName(String n) {
        return new TaskFilter(projectId, state, priorities, n, nameFolded, search, queue, worker, since, until);
    }

    public TaskFilter withNameFolded(String n) {
        return new TaskFilter(projectId, state, priorities, name, n, search, queue, worker, since, until);
    }

    public TaskFilter withSearch(String s) {
        return new TaskFilter(projectId, state, priorities, name, nameFolded, s, queue, worker, since, until);
    }

    public TaskFilter withQueue(String q) {
        return new TaskFilter(projectId, state, priorities, name, nameFolded, search, q, worker, since, until);
    }

    public TaskFilter withWorker(String w) {
        return new TaskFilter(projectId, state, priorities, name, nameFolded, search, queue, w, since, until);
    }

    public TaskFilter withSince(Instant t) {
        return new TaskFilter(projectId, state, priorities, name, nameFolded, search, queue, worker, t, until);
    }

    public TaskFilter withUntil(Instant t) {
        return new TaskFilter(projectId, state, priorities, name, nameFolded, search, queue, worker, since, t);
    }
}
