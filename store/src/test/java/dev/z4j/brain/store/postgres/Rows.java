package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.TaskFacts;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Builders for test events. */
final class Rows {
    private Rows() {}

    /** Two projects with an agent each, for tests that check one project's figures are not another's. */
    record TwoProjects(UUID project, UUID agent, UUID other, UUID otherAgent) {
        UUID project(boolean mine) {
            return mine ? project : other;
        }

        UUID agent(boolean mine) {
            return mine ? agent : otherAgent;
        }
    }

    /** {@code onA} written through brain {@code a} while {@code onB} is written through {@code b}. */
    static void writeAtOnce(ExecutorService writers, PostgresDatabase a, List<EventRow> onA, PostgresDatabase b,
                            List<EventRow> onB) throws Exception {
        Future<?> fa = writers.submit(() -> a.eventStore().write(onA));
        Future<?> fb = writers.submit(() -> b.eventStore().write(onB));
        fa.get();
        fb.get();
    }

    static TwoProjects twoProjects(PostgresDatabase db, String slug) throws Exception {
        UUID project = db.directory().createProject(slug, slug).id();
        UUID other = db.directory().createProject(slug + "-other", slug + " other").id();
        return new TwoProjects(project, db.directory().createAgent(project, "a1", "hash-" + slug).id(),
                other, db.directory().createAgent(other, "a2", "hash-" + slug + "-other").id());
    }

    static EventRow event(UUID project, UUID agent, String taskId, String kind, Instant occurred, Instant received) {
        return new EventRow(UUID.randomUUID(), project, agent, "celery", taskId, kind, occurred, received,
                "{\"k\":\"v\"}", null, null, null);
    }

    static EventRow withId(EventRow e, UUID id, Instant received) {
        return new EventRow(id, e.projectId(), e.agentId(), e.engine(), e.taskId(), e.kind(), e.occurredAt(),
                received, e.payloadJson(), e.task(), e.queue(), e.worker());
    }

    static EventRow task(UUID project, UUID agent, String taskId, String state, Instant occurred, TaskFacts facts,
                         String queue, String worker) {
        String kind = state == null ? "task.sent" : "task." + state;
        return new EventRow(UUID.randomUUID(), project, agent, "celery", taskId, kind, occurred, occurred.plusMillis(5),
                "{}", facts, queue, worker);
    }

    static TaskFacts facts(String state) {
        return new TaskFacts(state, null, null, null, null, null, null, null, null, null, null, null);
    }
}
