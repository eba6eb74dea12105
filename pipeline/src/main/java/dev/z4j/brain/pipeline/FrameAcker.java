package dev.z4j.brain.pipeline;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * After commit: acks every frame of the batch in ring order (so per connection in publish order),
 * updates the counters, tells the inserted-row listener each stored row, then the commit listener how
 * many rows each project got. A throwing target or listener is logged and skipped: it must not stop
 * the acks of other connections.
 */
final class FrameAcker {
    private static final System.Logger LOG = System.getLogger(FrameAcker.class.getName());

    private final CommitListener listener;
    private final InsertedRowListener rows;
    private final PipelineMetrics metrics;
    private final Map<UUID, Integer> changedProjects = new HashMap<>();

    FrameAcker(CommitListener listener, InsertedRowListener rows, PipelineMetrics metrics) {
        this.listener = listener;
        this.rows = rows;
        this.metrics = metrics;
    }

    void ackAll(GatheredBatch batch) {
        long accepted = 0;
        long duplicates = 0;
        long now = System.nanoTime();
        for (int f = 0; f < batch.frameCount(); f++) {
            IngestEntry frame = batch.frame(f);
            int frameAccepted = 0;
            for (int row = batch.rowStart(f); row < batch.rowEnd(f); row++) {
                byte outcome = batch.outcome(row);
                if (outcome == GatheredBatch.INSERTED) {
                    frameAccepted++;
                    changedProjects.merge(batch.rows().get(row).projectId(), 1, Integer::sum);
                } else if (outcome == GatheredBatch.DUPLICATE) {
                    duplicates++;
                }
            }
            accepted += frameAccepted;
            try {
                frame.target.ack(frame.batchId, frame.received, frameAccepted, frame.received - frameAccepted);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ack target failed for frame " + frame.batchId + "; continuing", e);
            }
            metrics.ackLatency.record(now - frame.publishedNanos, TimeUnit.NANOSECONDS);
        }
        metrics.accepted.increment(accepted);
        metrics.duplicate.increment(duplicates);
        if (accepted > 0 && rows != InsertedRowListener.NO_OP) {
            tellInserted(batch);
        }
        if (!changedProjects.isEmpty()) {
            Map<UUID, Integer> projects = Map.copyOf(changedProjects);
            changedProjects.clear();
            try {
                listener.onCommitted(projects);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "commit listener failed; continuing", e);
            }
        }
    }

    private void tellInserted(GatheredBatch batch) {
        try {
            for (int row = 0; row < batch.rowCount(); row++) {
                if (batch.outcome(row) == GatheredBatch.INSERTED) {
                    rows.inserted(batch.rows().get(row));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "inserted-row listener failed; continuing", e);
        }
    }
}
