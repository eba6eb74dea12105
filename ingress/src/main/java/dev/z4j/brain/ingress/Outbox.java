package dev.z4j.brain.ingress;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The single ordered writer of one connection. Any thread may {@link #enqueue} without blocking
 * (the persister must never wait on a slow socket); one short-lived virtual thread at a time
 * drains the queue, signing each frame as it sends it so seq order is wire order. Only that one
 * drainer ever writes, so the signer's lock is never contended.
 */
final class Outbox {
    /** Frames waiting for a socket that stopped reading; beyond this the peer is not keeping up. */
    static final int MAX_PENDING = 8192;
    /** Above this many unsent frames, a second ack for a batch id already queued is not added. */
    static final int COALESCE_ABOVE = 256;

    /** Sends signed bytes; throws when the socket is gone (the outbox then fails). */
    interface Wire {
        void send(byte[] bytes) throws Exception;
    }

    private final FrameSigner signer;
    private final Wire wire;
    private final Consumer<String> onFailure;
    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final Set<String> queuedAcks = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param onFailure called once, on a thread of its own (never the caller of {@link #enqueue}),
     *                  with a reason when the peer stops accepting frames
     */
    Outbox(FrameSigner signer, Wire wire, Consumer<String> onFailure) {
        this.signer = signer;
        this.wire = wire;
        this.onFailure = onFailure;
    }

    /**
     * Queues the ack of {@code batchId}. When the link falls behind (a resend storm), a duplicate of
     * an ack still waiting to be written is not queued: it would only grow the queue and the agent's
     * work (it acts on the first ack of an id and ignores the rest).
     */
    void enqueueAck(String batchId, Frame ack) {
        if (pending.get() < COALESCE_ABOVE) {
            enqueue(ack); // the link keeps up: every copy gets its own ack, as the reference does
        } else if (queuedAcks.add(batchId)) {
            enqueue(ack);
        }
    }

    /** Never blocks. A frame queued after the outbox closed is dropped (false). */
    boolean enqueue(Frame frame) {
        if (closed) {
            return false; // the agent resends whatever was not acked on its next connection
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            fail("outbound queue overflow: peer not reading");
            return false;
        }
        queue.add(frame);
        if (draining.compareAndSet(false, true)) {
            Thread.startVirtualThread(this::drain);
        }
        return true;
    }

    /** Waits until every enqueued frame was written or {@code deadlineNanos} passes; before a graceful close. */
    boolean awaitFlushed(long deadlineNanos) {
        while ((pending.get() > 0 || draining.get()) && !closed) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    void close() {
        closed = true;
        queue.clear();
        queuedAcks.clear();
    }

    private void drain() {
        do {
            Frame f;
            while ((f = queue.poll()) != null) {
                pending.decrementAndGet();
                if (f.payload() instanceof Frame.EventBatchAck a) {
                    queuedAcks.remove(a.ackedId()); // a copy arriving from now on gets its own ack
                }
                if (closed) {
                    continue;
                }
                try {
                    signer.signAndSend(f, wire::send);
                } catch (Exception e) {
                    fail("send failed: " + e.getClass().getSimpleName());
                }
            }
            draining.set(false);
            // Re-check: a frame enqueued after the last poll but before the flag dropped.
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }

    private void fail(String reason) {
        closed = true;
        queue.clear();
        if (failed.compareAndSet(false, true)) {
            // Closing a socket writes to it and tells other replicas: never on the enqueuing thread,
            // which may be the persister acking every agent.
            Thread.startVirtualThread(() -> onFailure.accept(reason));
        }
    }
}
