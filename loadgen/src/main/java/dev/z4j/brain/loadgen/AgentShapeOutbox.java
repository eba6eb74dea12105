package dev.z4j.brain.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * z4j-bare 1.6.0's buffer (docs/PROTOCOL.md 8): one event per frame; every pass takes the oldest
 * {@link #PASS_LIMIT} entries whether or not they are already in flight, so every un-acked frame
 * is re-sent (re-signed by the caller) on every pass until its ack arrives. An acked frame leaves
 * the buffer and is never sent again.
 */
final class AgentShapeOutbox implements Outbox {
    static final int PASS_LIMIT = 500;

    private final LinkedHashMap<String, PendingBatch> buffer = new LinkedHashMap<>();
    private final RandomGenerator random;
    private final int capacity;
    private long unsentEvents;
    private long unackedEvents;

    AgentShapeOutbox(RandomGenerator random, int capacity) {
        this.random = random;
        this.capacity = capacity;
    }

    @Override
    public int room() {
        return (int) Math.max(0, capacity - buffer.size());
    }

    @Override
    public void add(List<Map<String, Object>> events, long nowNanos) {
        for (Map<String, Object> e : events) {
            PendingBatch b = new PendingBatch(BatchIds.next(random), List.of(e));
            buffer.put(b.id, b);
            unsentEvents++;
        }
    }

    @Override
    public List<PendingBatch> pass(long nowNanos) {
        List<PendingBatch> out = new ArrayList<>(Math.min(PASS_LIMIT, buffer.size()));
        for (PendingBatch b : buffer.values()) {
            if (out.size() == PASS_LIMIT) {
                break;
            }
            b.markSent(nowNanos);
            if (b.isFirstSend()) {
                unsentEvents--;
                unackedEvents++;
            }
            out.add(b);
        }
        return out;
    }

    @Override
    public PendingBatch ack(String batchId) {
        PendingBatch b = buffer.get(batchId);
        if (b == null || b.sends == 0) {
            return null;
        }
        buffer.remove(batchId);
        unackedEvents--;
        return b;
    }

    @Override
    public void flush() {
        // every event is its own frame already
    }

    @Override
    public long unackedEvents() {
        return unackedEvents;
    }

    @Override
    public long queuedEvents() {
        return unsentEvents;
    }
}
