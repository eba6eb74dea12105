package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frames the persister gathered for one combined write, with their rows flattened in ring order
 * and one outcome per row. Reused across batches: no per-batch allocation once the arrays are warm.
 */
final class GatheredBatch {
    static final byte DUPLICATE = 0;
    static final byte INSERTED = 1;
    static final byte POISON = 2;

    private final ArrayList<IngestEntry> frames;
    private final ArrayList<EventRow> rows;
    private int[] frameStart;
    private byte[] outcomes;
    private int framesWithRows;
    private long lastSequence = -1;

    GatheredBatch(int expectedFrames, int expectedRows) {
        this.frames = new ArrayList<>(expectedFrames);
        this.rows = new ArrayList<>(expectedRows);
        this.frameStart = new int[expectedFrames + 1];
        this.outcomes = new byte[expectedRows];
    }

    void add(IngestEntry entry, long sequence) {
        int index = frames.size();
        if (index + 1 >= frameStart.length) {
            frameStart = Arrays.copyOf(frameStart, frameStart.length * 2);
        }
        frameStart[index] = rows.size();
        frames.add(entry);
        rows.addAll(entry.rows);
        frameStart[index + 1] = rows.size();
        if (entry.rowCount() > 0) {
            framesWithRows++;
        }
        lastSequence = sequence;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    int frameCount() {
        return frames.size();
    }

    int framesWithRows() {
        return framesWithRows;
    }

    IngestEntry frame(int index) {
        return frames.get(index);
    }

    int rowStart(int frame) {
        return frameStart[frame];
    }

    int rowEnd(int frame) {
        return frameStart[frame + 1];
    }

    int rowCount() {
        return rows.size();
    }

    /** All rows in ring order; the store must not keep this list beyond its write call. */
    List<EventRow> rows() {
        return rows;
    }

    long lastSequence() {
        return lastSequence;
    }

    /** Outcomes of rows {@code from .. from + inserted.length - 1} from one successful write. */
    void recordInserted(int from, boolean[] inserted) {
        ensureOutcomeCapacity();
        for (int i = 0; i < inserted.length; i++) {
            outcomes[from + i] = inserted[i] ? INSERTED : DUPLICATE;
        }
    }

    void recordPoison(int row) {
        ensureOutcomeCapacity();
        outcomes[row] = POISON;
    }

    byte outcome(int row) {
        return outcomes[row];
    }

    private void ensureOutcomeCapacity() {
        if (outcomes.length < rows.size()) {
            outcomes = new byte[Math.max(rows.size(), outcomes.length * 2)];
        }
    }

    /** Drops every reference to rows and targets, including those in the ring slots. */
    void clear() {
        for (IngestEntry entry : frames) {
            entry.clear();
        }
        frames.clear();
        rows.clear();
        framesWithRows = 0;
    }
}
