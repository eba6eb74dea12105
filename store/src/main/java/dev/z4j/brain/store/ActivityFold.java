package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * What events say besides tasks, collapsed per key in memory; the rules both stores apply:
 * <ul>
 *   <li>an engine worker named by a new event ({@code data.worker}) was seen at the event's
 *       occurred_at; stored, it goes online unless the stored heartbeat is newer (an old event
 *       proves nothing about now), and its heartbeat only moves forward. Any kind counts as a
 *       sighting, worker.offline included, as in the original brain; offline comes from the
 *       stale-worker sweep; a new task.succeeded or task.failed event naming it adds one to its
 *       succeeded or failed count, a task.retried one to its retried count (the workers page reads
 *       these instead of aggregating the events table);</li>
 *   <li>a queue named by a new event was seen at its occurred_at; last_seen_at only moves forward;</li>
 *   <li>an agent was seen at the receive time of any event it sent, a resent duplicate included
 *       (it proves the agent is alive); last_seen_at only moves forward.</li>
 * </ul>
 * Names too long for their column ({@link FieldCaps#REFERENCE}) or empty are ignored. Maps are
 * sorted so concurrent writers lock rows in the same order.
 */
public final class ActivityFold {

    /** An engine worker or queue of a project. */
    public record Named(UUID projectId, String engine, String name) implements Comparable<Named> {
        @Override
        public int compareTo(Named o) {
            int c = projectId.compareTo(o.projectId);
            if (c == 0) {
                c = engine.compareTo(o.engine);
            }
            return c != 0 ? c : name.compareTo(o.name);
        }
    }

    /** What a batch's new events say about one engine worker: when it was last seen, tasks it finished. */
    public record WorkerSighting(Instant seen, long succeeded, long failed, long retried) {
        WorkerSighting plus(WorkerSighting o) {
            return new WorkerSighting(later(seen, o.seen), succeeded + o.succeeded, failed + o.failed,
                    retried + o.retried);
        }
    }

    private ActivityFold() {}

    /** Per engine worker named by {@code inserted} (the events that were new): newest occurred_at and task counts. */
    public static SortedMap<Named, WorkerSighting> workers(List<EventRow> inserted) {
        SortedMap<Named, WorkerSighting> seen = new TreeMap<>();
        for (EventRow e : inserted) {
            String n = FieldCaps.reference(e.worker());
            if (n != null) {
                String kind = e.kind();
                WorkerSighting one = new WorkerSighting(e.occurredAt(), kind.equals("task.succeeded") ? 1 : 0,
                        kind.equals("task.failed") ? 1 : 0, kind.equals("task.retried") ? 1 : 0);
                seen.merge(new Named(e.projectId(), e.engine(), n), one, WorkerSighting::plus);
            }
        }
        return seen;
    }

    /** Newest occurred_at per queue among {@code inserted} (the events that were new). */
    public static SortedMap<Named, Instant> queues(List<EventRow> inserted) {
        return named(inserted, EventRow::queue);
    }

    /** Newest receive time per agent among all events of the batch, duplicates included. */
    public static SortedMap<UUID, Instant> agents(List<EventRow> received) {
        SortedMap<UUID, Instant> seen = new TreeMap<>();
        for (EventRow e : received) {
            seen.merge(e.agentId(), e.receivedAt(), ActivityFold::later);
        }
        return seen;
    }

    private static SortedMap<Named, Instant> named(List<EventRow> events, Function<EventRow, String> name) {
        SortedMap<Named, Instant> seen = new TreeMap<>();
        for (EventRow e : events) {
            String n = FieldCaps.reference(name.apply(e));
            if (n != null) {
                seen.merge(new Named(e.projectId(), e.engine(), n), e.occurredAt(), ActivityFold::later);
            }
        }
        return seen;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
