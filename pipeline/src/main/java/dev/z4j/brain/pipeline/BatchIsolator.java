package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * After the store refused a combined write, finds the bad data without losing the good: each frame
 * is written alone, and a frame that is still refused is written event by event. An event refused
 * on its own is poison: marked, counted, skipped. Transient failures here are retried by the writer.
 */
final class BatchIsolator {
    private static final System.Logger LOG = System.getLogger(BatchIsolator.class.getName());

    private final RetryingWriter writer;
    private final PipelineMetrics metrics;

    BatchIsolator(RetryingWriter writer, PipelineMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
    }

    void isolate(GatheredBatch batch) throws Halted {
        // With a single frame holding rows, the failed combined write was that frame alone already.
        boolean frameAloneFailed = batch.framesWithRows() == 1;
        for (int f = 0; f < batch.frameCount(); f++) {
            int start = batch.rowStart(f);
            int end = batch.rowEnd(f);
            if (start == end) {
                continue;
            }
            List<EventRow> frameRows = batch.rows().subList(start, end);
            if (!frameAloneFailed && tryWrite(batch, start, frameRows)) {
                continue;
            }
            for (int row = start; row < end; row++) {
                // A one-event frame that failed alone needs no second try.
                if (end - start > 1 && tryWrite(batch, row, List.of(batch.rows().get(row)))) {
                    continue;
                }
                batch.recordPoison(row);
                metrics.poison.increment();
                EventRow poison = batch.rows().get(row);
                LOG.log(Level.WARNING, "poison event skipped: store refused it alone (project {0}, event {1}, kind {2}, frame {3})",
                        poison.projectId(), poison.id(), poison.kind(), batch.frame(f).batchId);
            }
        }
    }

    private boolean tryWrite(GatheredBatch batch, int from, List<EventRow> rows) throws Halted {
        try {
            batch.recordInserted(from, writer.write(rows));
            return true;
        } catch (PermanentWriteFailure refused) {
            return false;
        }
    }
}
