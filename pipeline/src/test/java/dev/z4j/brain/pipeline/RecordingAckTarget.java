package dev.z4j.brain.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records acks in arrival order, as a connection's writer queue would. */
final class RecordingAckTarget implements AckTarget {
    record Ack(String batchId, int received, int accepted, int rejected) {
    }

    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final int laneKey;

    RecordingAckTarget() {
        this.laneKey = System.identityHashCode(this);
    }

    /** A target whose frames go to writer {@code laneKey} modulo the writers. */
    RecordingAckTarget(int laneKey) {
        this.laneKey = laneKey;
    }

    @Override
    public int laneKey() {
        return laneKey;
    }

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
