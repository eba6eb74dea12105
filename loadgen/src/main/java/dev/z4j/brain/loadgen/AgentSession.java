package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ProtocolException;
import dev.z4j.brain.protocol.Timestamps;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * One connection after its handshake, independent of the socket: each {@link #pass} sends what is
 * due (command answers, heartbeat + agent_status, new and re-sent event frames) through the
 * transport; {@link #onMessage} verifies a brain frame and settles acks and commands.
 *
 * <p>Single-threaded: the connection's loop calls both methods.
 */
final class AgentSession {
    /** Where signed bytes go (a WebSocket in a run, a list in tests). */
    @FunctionalInterface
    interface Transport {
        void send(byte[] wire) throws IOException;
    }

    /** The brain sent something we must treat as an error (bad signature, replay, unknown type). */
    static final class SessionFailure extends RuntimeException {
        SessionFailure(String message) {
            super(message);
        }
    }

    private static final int COMMAND_DEDUPE = 10_000;

    private final FrameSigner signer;
    private final FrameVerifier verifier;
    private final Outbox outbox;
    private final TaskEventSource events;
    private final Pacer pacer;
    private final DoubleSupplier perConnectionRate;
    private final Metrics metrics;
    private final Transport transport;
    private final long heartbeatIntervalNanos;
    private final long connectedAtNanos;
    private final Instant connectedAt;
    private final Clock clock;
    private final ArrayDeque<Frame> commands = new ArrayDeque<>();
    private final LinkedHashMap<String, Boolean> seenCommands = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > COMMAND_DEDUPE;
        }
    };
    private long nextHeartbeatNanos;
    private Instant lastFlushAt;

    AgentSession(FrameSigner signer, FrameVerifier verifier, Outbox outbox, TaskEventSource events, Pacer pacer,
                 DoubleSupplier perConnectionRate, Metrics metrics, Transport transport,
                 Duration heartbeatInterval, long connectedAtNanos, Clock clock) {
        this.signer = signer;
        this.verifier = verifier;
        this.outbox = outbox;
        this.events = events;
        this.pacer = pacer;
        this.perConnectionRate = perConnectionRate;
        this.metrics = metrics;
        this.transport = transport;
        this.heartbeatIntervalNanos = heartbeatInterval.toNanos();
        this.connectedAtNanos = connectedAtNanos;
        this.connectedAt = clock.instant();
        this.clock = clock;
        this.nextHeartbeatNanos = connectedAtNanos; // the first heartbeat + agent_status right after connecting
    }

    /**
     * One send pass.
     *
     * @param generate false during the drain: no new events, but un-acked frames still go out
     */
    void pass(long nowNanos, boolean generate) throws IOException {
        answerCommands();
        if (nowNanos - nextHeartbeatNanos >= 0) {
            sendHeartbeat(nowNanos);
            nextHeartbeatNanos += heartbeatIntervalNanos;
            if (nowNanos - nextHeartbeatNanos >= 0) {
                nextHeartbeatNanos = nowNanos + heartbeatIntervalNanos; // fell behind: do not burst
            }
        }
        if (outbox == null) {
            return;
        }
        int due = generate ? pacer.take(nowNanos, perConnectionRate.getAsDouble()) : 0;
        if (!generate) {
            outbox.flush();
        }
        if (due > 0) {
            int n = Math.min(due, outbox.room());
            metrics.eventsGenerated.add(n);
            metrics.eventsSkipped.add(due - n);
            if (n > 0) {
                outbox.add(events.next(n), nowNanos);
                metrics.eventsQueued.add(n);
            }
        }
        List<PendingBatch> frames = outbox.pass(nowNanos);
        for (PendingBatch b : frames) {
            byte[] wire = signer.sign(Frame.outbound(b.id, new Frame.EventBatch(b.events)));
            transport.send(wire);
            metrics.bytesSent.add(wire.length);
            if (b.isFirstSend()) {
                metrics.framesSent.increment();
                metrics.eventsSent.add(b.size());
                metrics.eventsQueued.add(-b.size());
            } else {
                metrics.framesResent.increment();
            }
        }
        if (!frames.isEmpty()) {
            lastFlushAt = clock.instant();
        }
    }

    /** Verifies one brain frame and acts on it. */
    void onMessage(byte[] message, long nowNanos) {
        Frame frame;
        try {
            frame = verifier.verify(message);
        } catch (ProtocolException e) {
            metrics.verifyFailures.increment();
            throw new SessionFailure("brain frame failed verification: " + e.getMessage());
        }
        switch (frame.payload()) {
            case Frame.EventBatchAck ack -> {
                metrics.acksReceived.increment();
                PendingBatch b = outbox == null ? null : outbox.ack(ack.ackedId());
                if (b == null) {
                    metrics.duplicateAcks.increment();
                } else {
                    metrics.eventsAcked.add(b.size());
                    metrics.recordAckLatency(nowNanos - b.firstSentNanos);
                }
            }
            case Frame.Command c -> {
                metrics.commandsReceived.increment();
                commands.add(frame);
            }
            case Frame.HelloAck h -> throw new SessionFailure("unexpected hello_ack after the handshake");
            case Frame.Hello h -> throw new SessionFailure("unexpected hello from the brain");
            default -> { } // heartbeat / error from the brain: verified, ignored (as the agent does)
        }
    }

    /** command_ack then command_result success for each command; a repeated command id is only acked. */
    private void answerCommands() throws IOException {
        Frame c;
        while ((c = commands.poll()) != null) {
            send(Frame.outbound(c.id(), new Frame.CommandAck(Map.of())));
            if (seenCommands.put(c.id(), Boolean.TRUE) != null) {
                continue;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("echo", true);
            result.put("action", ((Frame.Command) c.payload()).action());
            send(Frame.outbound(c.id(), new Frame.CommandResult("success", result, null)));
            metrics.commandsAnswered.increment();
            if (c.ts() != null) {
                try {
                    Instant issued = Timestamps.parseAware(c.ts());
                    metrics.recordCommandRtt(Duration.between(issued, clock.instant()).toNanos());
                } catch (RuntimeException ignored) {
                    // verified frames have a parseable ts; nothing to record otherwise
                }
            }
        }
    }

    private void sendHeartbeat(long nowNanos) throws IOException {
        long depth = outbox == null ? 0 : outbox.unackedEvents() + outbox.queuedEvents();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        send(StatusFrames.heartbeat(depth, lastFlushAt, random));
        metrics.heartbeatsSent.increment();
        send(StatusFrames.agentStatus(connectedAt, (nowNanos - connectedAtNanos) / 1e9, depth, random));
        metrics.agentStatusSent.increment();
    }

    private void send(Frame frame) throws IOException {
        byte[] wire = signer.sign(frame);
        transport.send(wire);
        metrics.bytesSent.add(wire.length);
    }


    Outbox outbox() {
        return outbox;
    }
}
