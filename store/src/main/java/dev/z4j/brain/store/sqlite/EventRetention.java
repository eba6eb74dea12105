package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.time.Instant;

/**
 * Deletes old events in bounded chunks, one short transaction each, so the writer lock is released
 * between chunks and ingest keeps flowing during a large purge.
 */
final class EventRetention {
    static final int DEFAULT_CHUNK_ROWS = 5_000;

    // Uses ix_events_received_at to find the oldest rows without scanning the table.
    private static final String DELETE_CHUNK = """
            DELETE FROM events WHERE rowid IN (
                SELECT rowid FROM events WHERE received_at < ? LIMIT ?)""";

    private final LockedConnection writer;
    private final int chunkRows;

    EventRetention(LockedConnection writer, int chunkRows) {
        this.writer = writer;
        this.chunkRows = chunkRows;
    }

    /** Returns the number of rows deleted. */
    long deleteReceivedBefore(Instant cutoff) throws StoreException {
        long cutoffMicros = Micros.of(cutoff);
        long total = 0;
        int deleted;
        do {
            deleted = writer.inTransaction("event retention", connection -> {
                try (PreparedStatement delete = connection.prepareStatement(DELETE_CHUNK)) {
                    delete.setLong(1, cutoffMicros);
                    delete.setInt(2, chunkRows);
                    return delete.executeUpdate();
                }
            });
            total += deleted;
        } while (deleted == chunkRows);
        return total;
    }
}
