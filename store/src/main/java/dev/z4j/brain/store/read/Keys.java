package dev.z4j.brain.store.read;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Keyset positions: a page starts strictly after the row they name, in its list's order. */
public final class Keys {
    private Keys() {}

    /** A task in the task list (started_at newest first, never-started last, then id). */
    public record Task(Instant startedAt, UUID id) {
        public Task {
            Objects.requireNonNull(id, "id");
        }

        public static Task of(TaskView t) {
            return new Task(t.startedAt(), t.id());
        }
    }

    /** An event in a task's timeline (occurred_at newest first, then id). */
    public record Event(Instant occurredAt, UUID id) {
        public Event {
            Objects.requireNonNull(occurredAt, "occurredAt");
            Objects.requireNonNull(id, "id");
        }
    }

    /** A command in a project's list (issued_at newest first, then id). */
    public record Command(Instant issuedAt, UUID id) {
        public Command {
            Objects.requireNonNull(issuedAt, "issuedAt");
            Objects.requireNonNull(id, "id");
        }
    }

    /** A failed task in the recent failures (finished_at newest first, then id). */
    public record Failure(Instant finishedAt, UUID id) {
        public Failure {
            Objects.requireNonNull(finishedAt, "finishedAt");
            Objects.requireNonNull(id, "id");
        }
    }
}
