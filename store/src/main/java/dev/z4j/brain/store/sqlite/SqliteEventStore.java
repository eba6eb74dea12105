package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.TaskFold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Persists a batch in one transaction on the shared writer: insert new events, then project only
 * the events that were new, so a resent batch changes nothing but its agent's last_seen_at.
 */
final class SqliteEventStore implements EventStore {
    private final LockedConnection writer;

    SqliteEventStore(LockedConnection writer) {
        this.writer = writer;
    }

    @Override
    public boolean[] write(List<EventRow> events) throws StoreException {
        if (events.isEmpty()) {
            return new boolean[0];
        }
        return writer.inTransaction("writing " + events.size() + " events", connection -> {
            boolean[] inserted = EventInserter.insert(connection, events);
            List<EventRow> fresh = new ArrayList<>(events.size());
            for (int i = 0; i < inserted.length; i++) {
                if (inserted[i]) {
                    fresh.add(events.get(i));
                }
            }
            if (!fresh.isEmpty()) {
                long now = Micros.of(Instant.now());
                TaskProjection.apply(connection, TaskFold.fold(fresh), now);
                ActivityProjection.applyNamed(connection, fresh, now);
            }
            ActivityProjection.touchAgents(connection, events);
            return inserted;
        });
    }
}
