package dev.z4j.brain.loadgen;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** Counters and latency recorders shared by every connection of a run. Latencies are recorded in microseconds. */
final class Metrics {
    static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final int MAX_KEPT_ERRORS = 50;

    final LongAdder eventsGenerated = new LongAdder();
    final LongAdder eventsSkipped = new LongAdder();
    final LongAdder eventsSent = new LongAdder();      // first send of each event
    final LongAdder eventsAcked = new LongAdder();     // first ack of each event's frame
    final LongAdder eventsQueued = new LongAdder();    // generated, never sent (gauge)
    final LongAdder framesSent = new LongAdder();      // event_batch frames, first sends
    final LongAdder framesResent = new LongAdder();    // event_batch frames, re-sends
    final LongAdder bytesSent = new LongAdder();
    final LongAdder acksReceived = new LongAdder();    // every event_batch_ack, duplicates included
    final LongAdder duplicateAcks = new LongAdder();   // acks for frames already acked or unknown
    final LongAdder heartbeatsSent = new LongAdder();
    final LongAdder agentStatusSent = new LongAdder();
    final LongAdder commandsReceived = new LongAdder();
    final LongAdder commandsAnswered = new LongAdder();
    final LongAdder verifyFailures = new LongAdder();
    final LongAdder handshakeFailures = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    final LongAdder otherErrors = new LongAdder();
    final AtomicInteger connectionsOpen = new AtomicInteger();
    final AtomicInteger connectionsEverOpened = new AtomicInteger();

    final Recorder ackLatency = new Recorder(MAX_LATENCY_MICROS, 3);
    final Recorder commandRtt = new Recorder(MAX_LATENCY_MICROS, 3);

    private final ConcurrentLinkedQueue<String> errorMessages = new ConcurrentLinkedQueue<>();
    private final AtomicInteger keptErrors = new AtomicInteger();

    long errors() {
        return verifyFailures.sum() + handshakeFailures.sum() + unexpectedCloses.sum() + otherErrors.sum();
    }

    long unackedEvents() {
        return eventsSent.sum() - eventsAcked.sum();
    }

    void recordAckLatency(long nanos) {
        ackLatency.recordValue(clampMicros(nanos));
    }

    void recordCommandRtt(long nanos) {
        commandRtt.recordValue(clampMicros(nanos));
    }

    /** Keeps the first few error messages, to say why a run failed. */
    void error(String message) {
        if (keptErrors.incrementAndGet() <= MAX_KEPT_ERRORS) {
            errorMessages.add(message);
        }
    }

    List<String> errorMessages() {
        return List.copyOf(errorMessages);
    }

    private static long clampMicros(long nanos) {
        return Math.min(MAX_LATENCY_MICROS, Math.max(0, nanos / 1000));
    }
}
