package dev.z4j.brain.loadgen;

import java.util.List;
import java.util.Map;

/** One event_batch frame waiting for its ack. Send times are System.nanoTime values; -1 = never sent. */
final class PendingBatch {
    final String id;
    final List<Map<String, Object>> events;
    long firstSentNanos = -1;
    long lastSentNanos = -1;
    int sends;

    PendingBatch(String id, List<Map<String, Object>> events) {
        this.id = id;
        this.events = events;
    }

    void markSent(long nowNanos) {
        if (sends == 0) {
            firstSentNanos = nowNanos;
        }
        lastSentNanos = nowNanos;
        sends++;
    }

    boolean isFirstSend() {
        return sends == 1;
    }

    int size() {
        return events.size();
    }
}
