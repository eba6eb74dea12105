package dev.z4j.brain.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records acks in arrival order, as a connection's writer queue would. */
final class RecordingAckTarget implements AckTarget {
    record Ack(String batchId, int received, int accepted, int rejected) {
    }

    private final List<Ack> acks = new CopyOnWriteArrayList<>();

    @Override
    public void ack(String batchId, int received, int accepted, int rejected) {
        acks.add(new Ack(batchId, received, accepted, rejected));
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    int count() {
        return acks.size();
    }
}
