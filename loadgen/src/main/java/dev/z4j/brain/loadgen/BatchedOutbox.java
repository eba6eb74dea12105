package dev.z4j.brain.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The brain-friendly shape: up to {@code batchSize} events per frame, at most {@code window}
 * frames un-acked at a time, and a frame is re-sent only when its ack is overdue. A partly filled
 * frame goes out once its oldest event has waited {@code lingerNanos} (or on {@link #flush()}).
 */
final class BatchedOutbox implements Outbox {
    private final RandomGenerator random;
    private final int batchSize;
    private final int window;
    private final int capacity;
    private final long lingerNanos;
    private final long overdueNanos;
    private final LinkedHashMap<String, PendingBatch> inFlight = new LinkedHashMap<>();
    private final List<Map<String, Object>> queued = new ArrayList<>();
    private long oldestQueuedNanos;
    private boolean flush;
    private long unackedEvents;

    BatchedOutbox(RandomGenerator random, int batchSize, int window, int capacity, long lingerNanos,
                  long overdueNanos) {
        this.random = random;
        this.batchSize = batchSize;
        this.window = window;
        this.capacity = capacity;
        this.lingerNanos = lingerNanos;
        this.overdueNanos = overdueNanos;
    }

    @Override
    public int room() {
        return Math.max(0, capacity - queued.size());
    }

    @Override
    public void add(List<Map<String, Object>> events, long nowNanos) {
        if (queued.isEmpty() && !events.isEmpty()) {
            oldestQueuedNanos = nowNanos;
        }
        queued.addAll(events);
    }

    @Override
    public List<PendingBatch> pass(long nowNanos) {
        List<PendingBatch> out = new ArrayList<>();
        for (PendingBatch b : inFlight.values()) {
            if (nowNanos - b.lastSentNanos >= overdueNanos) {
                b.markSent(nowNanos);
                out.add(b);
            }
        }
        while (inFlight.size() < window && !queued.isEmpty()
                && (queued.size() >= batchSize || flush || nowNanos - oldestQueuedNanos >= lingerNanos)) {
            int n = Math.min(batchSize, queued.size());
            List<Map<String, Object>> slice = new ArrayList<>(queued.subList(0, n));
            queued.subList(0, n).clear();
            oldestQueuedNanos = nowNanos;
            PendingBatch b = new PendingBatch(BatchIds.next(random), slice);
            b.markSent(nowNanos);
            inFlight.put(b.id, b);
            unackedEvents += n;
            out.add(b);
        }
        return out;
    }

    @Override
    public PendingBatch ack(String batchId) {
        PendingBatch b = inFlight.remove(batchId);
        if (b != null) {
            unackedEvents -= b.size();
        }
        return b;
    }

    @Override
    public void flush() {
        flush = true;
    }

    /** Frames sent and not yet acked. */
    int inFlightFrames() {
        return inFlight.size();
    }

    @Override
    public long unackedEvents() {
        return unackedEvents;
    }

    @Override
    public long queuedEvents() {
        return queued.size();
    }
}
