package dev.z4j.brain.bench.capacity;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.postgres.PgEventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The database's own ceiling for the brain's rows, with no brain in front: batches of
 * {@link #BATCH} rows, one COPY + commit each, for a fixed time. Rows come from a pre-built pool
 * and get fresh event and task ids per batch, so every row is new (no conflicts, no updates of
 * earlier tasks) and row generation stays out of the figure.
 */
final class RawCeiling {
    static final int BATCH = 2000;
    private static final int POOL_BATCHES = 16;

    /** One measured path: rows committed over the measured seconds. */
    record Result(String path, long rows, double seconds, int batches) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private final PostgresDatabase db;
    private final List<List<EventRow>> pool = new ArrayList<>();
    private final double meanPayloadBytes;

    RawCeiling(PostgresDatabase db, UUID projectId, UUID agentId) {
        this.db = db;
        CeleryRows source = new CeleryRows(projectId, agentId);
        long bytes = 0;
        for (int i = 0; i < POOL_BATCHES; i++) {
            List<EventRow> batch = source.next(BATCH);
            for (EventRow r : batch) {
                bytes += r.payloadJson().length();
            }
            pool.add(batch);
        }
        meanPayloadBytes = bytes / (double) (POOL_BATCHES * BATCH);
    }

    double meanPayloadBytes() {
        return meanPayloadBytes;
    }

    /** Plain COPY straight into the partitioned {@code events} table. */
    Result plainCopy(Duration duration) throws SQLException {
        CopyText encoder = new CopyText();
        String sql = "COPY events (" + CopyText.COLUMNS + ") FROM STDIN";
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            PGConnection pg = c.unwrap(PGConnection.class);
            return timed("plain COPY into events", duration, batch -> {
                byte[] bytes = encoder.encode(batch);
                var in = pg.getCopyAPI().copyIn(sql);
                in.writeToCopy(bytes, 0, bytes.length);
                in.endCopy();
                c.commit();
            });
        }
    }

    /**
     * Diagnostic split of the brain's writer: only its dedupe step (one statement probing the
     * batch's ids, then a COPY of the new rows straight into events, through
     * PgEventStore.copyNewEvents), without the task / worker / queue / agent projections.
     */
    Result stagingMerge(Duration duration) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            return timed("dedupe step only: id probe + COPY of new rows (no projections)", duration, batch -> {
                PgEventStore.copyNewEvents(c, batch); // the brain's own statements
                c.commit();
            });
        }
    }

    /** The brain's own writer: id probe, COPY of the new rows, task/worker/queue/agent projections. */
    Result storeWrite(Duration duration) throws SQLException {
        EventStore store = db.eventStore();
        return timed("EventStore.write (probe + COPY + projections)", duration, store::write);
    }

    /** Empties what a path wrote, so each path (and the brain after them) starts from the same tables. */
    void truncate() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE events, tasks, workers, queues");
        }
    }

    @FunctionalInterface
    private interface BatchWriter {
        void write(List<EventRow> batch) throws SQLException, StoreException;
    }

    private Result timed(String path, Duration duration, BatchWriter writer) throws SQLException {
        writer(writer, fresh(0)); // first batch warms up the connection and JIT; not counted
        long rows = 0;
        int batches = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            List<EventRow> batch = fresh(batches + 1);
            writer(writer, batch);
            rows += batch.size();
            batches++;
        }
        return new Result(path, rows, (System.nanoTime() - start) / 1e9, batches);
    }

    private static void writer(BatchWriter w, List<EventRow> batch) throws SQLException {
        try {
            w.write(batch);
        } catch (StoreException e) {
            throw new SQLException("store write failed: " + e.getMessage(), e);
        }
    }

    /** A pool batch with new event ids and task ids (suffix per use) and receive time now. */
    private List<EventRow> fresh(int use) {
        List<EventRow> template = pool.get(use % POOL_BATCHES);
        List<EventRow> out = new ArrayList<>(template.size());
        Instant now = Instant.now();
        String suffix = "-" + use;
        for (EventRow r : template) {
            out.add(new EventRow(UUID.randomUUID(), r.projectId(), r.agentId(), r.engine(), r.taskId() + suffix,
                    r.kind(), r.occurredAt(), now, r.payloadJson(), r.task(), r.queue(), r.worker()));
        }
        return out;
    }
}
