package dev.z4j.brain.loadgen;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one simulated z4j-bare process did. Written by its loop thread only; read at any time by
 * the progress line, the summary and tests through {@link #snapshot}.
 */
public final class AsyncioAgentStats {
    /** One agent's numbers at one moment. */
    public record Snapshot(
            String name,
            String agentId,
            /* events produced into the buffer (the Celery worker's side) */
            long emitted,
            /* event rows confirmed: the ack for their frame id was processed */
            long confirmed,
            /* event rows still in the buffer (never sent, or sent and not acked) */
            long buffered,
            /* event rows dropped because the buffer was full */
            long evicted,
            /* event rows sent at least once */
            long firstSends,
            /* event_batch frames written, re-sends included */
            long framesSent,
            /* event_batch_ack frames verified and processed (duplicates included) */
            long acksProcessed,
            /* ms from the agent's start to the first processed ack, -1 if none */
            long firstAckMillis,
            /* times the send coroutine suspended in drain() (write buffer over the high-water mark) */
            long writeSuspensions,
            /* times the send loop slept 50 ms on an empty buffer */
            long idleSleeps,
            long heartbeatsSent,
            long bytesSent,
            /* successful handshakes (1 unless the agent had to reconnect) */
            long sessions,
            long verifyFailures,
            /* true while a session is open */
            boolean connected,
            /* the ack watchdog switched to confirm-on-send (it found no ack after 90 s) */
            boolean legacyMode,
            /* why the last session ended, null if none ended */
            String lastDisconnect) {

        /** Copies of already-sent frames: {@code framesSent - firstSends}. */
        public long copies() {
            return framesSent - firstSends;
        }
    }

    private final String name;
    private volatile String agentId;
    private final long startNanos;
    final AtomicLong emitted = new AtomicLong();
    final AtomicLong confirmed = new AtomicLong();
    final AtomicLong buffered = new AtomicLong();
    final AtomicLong evicted = new AtomicLong();
    final AtomicLong firstSends = new AtomicLong();
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong acksProcessed = new AtomicLong();
    final AtomicLong writeSuspensions = new AtomicLong();
    final AtomicLong idleSleeps = new AtomicLong();
    final AtomicLong heartbeatsSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong sessions = new AtomicLong();
    final AtomicLong verifyFailures = new AtomicLong();
    private final AtomicLong firstAckNanos = new AtomicLong(-1);
    private volatile boolean connected;
    private volatile boolean legacyMode;
    private volatile String lastDisconnect;

    AsyncioAgentStats(String name, long startNanos) {
        this.name = name;
        this.startNanos = startNanos;
    }

    void agentId(String id) {
        agentId = id;
    }

    void ackProcessed(long nowNanos) {
        acksProcessed.incrementAndGet();
        firstAckNanos.compareAndSet(-1, nowNanos - startNanos);
    }

    void connected(boolean c) {
        connected = c;
    }

    void legacyMode() {
        legacyMode = true;
    }

    void disconnected(String why) {
        connected = false;
        lastDisconnect = why;
    }

    public Snapshot snapshot() {
        long first = firstAckNanos.get();
        return new Snapshot(name, agentId, emitted.get(), confirmed.get(), buffered.get(), evicted.get(),
                firstSends.get(), framesSent.get(), acksProcessed.get(), first < 0 ? -1 : first / 1_000_000,
                writeSuspensions.get(), idleSleeps.get(), heartbeatsSent.get(), bytesSent.get(), sessions.get(),
                verifyFailures.get(), connected, legacyMode, lastDisconnect);
    }
}
