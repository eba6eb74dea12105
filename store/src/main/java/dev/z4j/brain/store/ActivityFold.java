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
 *       stale-worker sweep;</li>
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

    private ActivityFold() {}

    /** Newest occurred_at per engine worker among {@code inserted} (the events that were new). */
    public static SortedMap<Named, Instant> workers(List<EventRow> inserted) {
        return named(inserted, EventRow::worker);
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
