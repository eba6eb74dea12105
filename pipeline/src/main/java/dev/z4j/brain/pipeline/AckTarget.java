package dev.z4j.brain.pipeline;

/**
 * Where the acknowledgement of one {@code event_batch} frame goes, called on the persister thread
 * only after the frame's events are committed.
 *
 * <p>Implementations must NOT block: ingress enqueues onto the connection's ordered writer. A slow
 * ack stalls every connection of its writer.
 */
public interface AckTarget {

    /**
     * @param batchId  the frame id being acknowledged ({@code acked_id} on the wire)
     * @param received events in the frame after the brain's trim
     * @param accepted events that created a new row
     * @param rejected {@code received - accepted}: invalid, duplicate or poison events
     */
    void ack(String batchId, int received, int accepted, int rejected);

    /**
     * Fixed for the target's life: frames of targets with equal keys go to the same writer, so a
     * target's acks keep its publish order. Sequential keys spread targets evenly over the writers.
     */
    default int laneKey() {
        return System.identityHashCode(this);
    }
}
