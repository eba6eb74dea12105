package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ProtocolException;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.protocol.Timestamps;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * One z4j-bare 1.6 agent process, modelled on what its asyncio event loop actually does with one
 * WebSocket (websockets 17, CPython's selector loop). It runs on its own thread and owns a
 * non-blocking socket, the local buffer ({@link AgentBuffer}) and the session's signer/verifier.
 *
 * <h2>Why the model looks like this</h2>
 * The real agent runs four coroutines on one loop: the send loop, the receive loop (acks,
 * commands), the heartbeat task and the ack watchdog, plus websockets' keepalive task. In asyncio
 * a coroutine only gives the loop to the others at an {@code await} of a future that is not done
 * yet. Following the send loop's awaits:
 * <ul>
 *   <li>{@code send_frames}: {@code async with asyncio.Lock()} is uncontended, so acquiring it
 *       returns without suspending.
 *   <li>{@code await ws.send(bytes)}: {@code async with send_context()} (an async context manager
 *       whose enter and exit are plain generator steps), {@code protocol.send_binary} frames the
 *       message, {@code send_data()} calls {@code transport.write}, then {@code await drain()},
 *       which awaits a future only if the transport called {@code pause_writing}, i.e. its
 *       user-space buffer is above {@code write_limit} (32 KiB). {@code transport.write} itself
 *       calls {@code sock.send} at once when nothing is buffered and keeps only what the kernel
 *       refused ({@link SelectorTransport}). So while the kernel's send buffer toward the brain
 *       has room, {@code send} returns without ever yielding.
 *   <li>After a pass the loop calls {@code drain(500)} again: a synchronous buffer read, no await.
 *       Only an empty buffer leads to {@code await asyncio.sleep(0.05)}, a real suspension.
 * </ul>
 * Hence {@link #sendLoop}: sign (paying {@link FrameCost}) and write each row; call {@link
 * #runLoop} (the event loop running the other coroutines) only where the send coroutine would
 * suspend: in {@code drain()} while the transport is paused, and in the 50 ms idle sleep. Inside
 * {@link #runLoop}, each iteration is one {@code select}: a writable socket flushes the user
 * buffer ({@code _write_ready}, which resumes the writer at the low-water mark, 8 KiB); a readable
 * socket gets one {@code recv(256 KiB)}, whose frames websockets parses at once (answering pings);
 * the receive coroutine then processes every queued message (an {@code Assembler.get} with queued
 * frames does not suspend either), verifying each and confirming acked rows; due timers run the
 * heartbeat task (it appends a heartbeat + agent_status pair to the buffer), the watchdog (every
 * 2 s) and the keepalive ping (every 60 s, 60 s to answer). Nothing of this happens while the
 * send coroutine runs without suspending: inbound bytes wait in the kernel.
 */
final class AsyncioAgent implements Runnable {
    static final int PASS_LIMIT = 500;
    static final long IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long ACK_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(90);
    static final long WATCHDOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long PING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final long PING_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long HELLO_ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    static final long RECONNECT_FLOOR_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long RECONNECT_CAP_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final double RECONNECT_JITTER = 0.3;
    /** A wait with no deadline (drain() has none); relative, so nanoTime arithmetic cannot overflow. */
    private static final long UNBOUNDED_NANOS = TimeUnit.DAYS.toNanos(365);
    /** Longest single wait of the simulated loop, so the Celery side keeps producing on time. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int COMMAND_DEDUPE = 10_000;

    /** Who the agent is and what it does. */
    record Settings(String name, URI url, String token, String hmacSecret, String workerId, DoubleSupplier ratePerSecond,
                    BooleanSupplier producing, long frameCostNanos, int bufferCapacity) {}

    /** The session is over; the agent reconnects after its backoff. */
    private static final class SessionEnded extends Exception {
        final boolean byBrain;

        SessionEnded(String reason, boolean byBrain) {
            super(reason, null, false, false);
            this.byBrain = byBrain;
        }
    }

    private final Settings settings;
    private final Metrics metrics;
    private final AsyncioAgentStats stats;
    private final AgentBuffer buffer;
    private final FrameCost cost;
    private final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
    private final TaskEventSource events;
    private final byte[] secret;
    private final LinkedHashMap<String, Boolean> seenCommands = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > COMMAND_DEDUPE;
        }
    };
    private volatile boolean stopped;
    private volatile Selector selector;
    private double credit;
    private long lastProducedNanos;
    private long sessions;
    private boolean legacyMode;
    private Instant lastFlushAt;

    AsyncioAgent(Settings settings, Metrics metrics, AsyncioAgentStats stats, long startNanos) {
        this.settings = settings;
        this.metrics = metrics;
        this.stats = stats;
        this.buffer = new AgentBuffer(settings.bufferCapacity());
        this.cost = new FrameCost(settings.frameCostNanos());
        this.events = new TaskEventSource(Clock.systemUTC(), random, "celery@" + settings.workerId());
        this.secret = Secrets.decodeAgentHmacSecret(settings.hmacSecret());
        this.lastProducedNanos = startNanos;
    }

    AsyncioAgentStats stats() {
        return stats;
    }

    /** Ends the agent: its thread closes the socket and returns. */
    void stop() {
        stopped = true;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public void run() {
        long backoff = RECONNECT_FLOOR_NANOS;
        try (Selector sel = Selector.open()) {
            selector = sel;
            while (!stopped) {
                Session session = null;
                try {
                    session = connect(sel);
                    backoff = RECONNECT_FLOOR_NANOS;
                    sendLoop(session);
                } catch (SessionEnded e) {
                    stats.disconnected(e.getMessage());
                    if (!stopped) {
                        if (e.byBrain) {
                            metrics.unexpectedCloses.increment();
                        }
                        metrics.error(settings.name() + ": " + e.getMessage());
                    }
                } catch (IOException e) {
                    stats.disconnected(e.getMessage());
                    if (!stopped) {
                        metrics.handshakeFailures.increment();
                        metrics.error(settings.name() + ": handshake failed: " + e.getMessage());
                    }
                } catch (RuntimeException e) {
                    // The real supervisor treats any other error as a connection failure and reconnects.
                    stats.disconnected("unexpected " + e);
                    metrics.otherErrors.increment();
                    metrics.error(settings.name() + ": unexpected " + e);
                } finally {
                    if (session != null) {
                        session.close(stopped);
                    }
                }
                if (!stopped) {
                    long wait = backoff + (long) (random.nextDouble() * RECONNECT_JITTER * backoff);
                    produceWhileWaiting(wait);
                    backoff = Math.min(RECONNECT_CAP_NANOS, backoff * 2);
                }
            }
        } catch (IOException e) {
            metrics.otherErrors.increment();
            metrics.error(settings.name() + ": selector failed: " + e);
        } finally {
            stats.connected(false);
        }
    }

    // ------------------------------------------------------------------ connect + hello

    private Session connect(Selector sel) throws IOException {
        WsUpgrade.Opened opened = WsUpgrade.open(settings.url(), settings.token(), sel, CONNECT_TIMEOUT_NANOS, random);
        Session s = new Session(new SelectorTransport(opened.channel()), sel);
        try {
            SelectionKey key = opened.channel().keyFor(sel);
            s.key = key != null ? key : opened.channel().register(sel, 0);
            if (opened.leftover().hasRemaining()) {
                s.feed(opened.leftover());
            }
            s.writeMessage(FrameSigner.unsigned(new Frame(FrameType.HELLO, "hello_" + hex(16), null, null, null, null,
                    new Frame.Hello("2", StatusFrames.AGENT_VERSION, "bare", List.of("celery"), List.of(),
                            Map.of("celery", List.of("cancel_task", "retry_task")), Map.of("name", settings.name()),
                            settings.workerId(), "task", ProcessHandle.current().pid(),
                            Timestamps.format(Instant.now())))));
            byte[] first = s.awaitFirstMessage(System.nanoTime() + HELLO_ACK_TIMEOUT_NANOS);
            Frame f = FrameVerifier.parseUnsigned(first);
            if (!(f.payload() instanceof Frame.HelloAck ack)) {
                throw new IOException("first brain frame was " + f.type().wire() + ", not hello_ack");
            }
            if (!"2".equals(ack.protocolVersion())) {
                throw new IOException("hello_ack protocol_version " + ack.protocolVersion() + ", expected 2");
            }
            s.open(ack);
            return s;
        } catch (SessionEnded e) {
            s.close(false);
            throw new IOException(e.getMessage()); // a close or bad frame before hello_ack fails the handshake
        } catch (IOException | RuntimeException e) {
            s.close(false);
            throw e;
        }
    }

    // ------------------------------------------------------------------ the send coroutine

    /** {@code _run_send_loop}: drain(500), re-sign and send each row, loop again at once. */
    private void sendLoop(Session s) throws SessionEnded {
        while (!stopped) {
            produce(System.nanoTime());
            List<AgentBuffer.Row> rows = buffer.drain(PASS_LIMIT);
            if (rows.isEmpty()) {
                stats.idleSleeps.incrementAndGet();
                runLoop(s, () -> false, System.nanoTime() + IDLE_SLEEP_NANOS); // await asyncio.sleep(0.05)
                continue;
            }
            boolean flushed = false;
            for (AgentBuffer.Row row : rows) {
                if (stopped) {
                    return;
                }
                send(s, row);
                flushed |= row.kind == AgentBuffer.Kind.EVENT;
            }
            if (flushed) {
                lastFlushAt = Instant.now();
            }
        }
    }

    /** One {@code await ws.send(signed)}: sign, write, and suspend in drain() only if paused. */
    private void send(Session s, AgentBuffer.Row row) throws SessionEnded {
        cost.frame();
        byte[] wire = s.signer.sign(Frame.outbound(row.frameId, row.payload));
        s.writeMessage(wire);
        long now = System.nanoTime();
        stats.bytesSent.addAndGet(wire.length);
        metrics.bytesSent.add(wire.length);
        if (row.kind == AgentBuffer.Kind.CONTROL) {
            buffer.delete(row);
            if (row.payload instanceof Frame.Heartbeat) {
                stats.heartbeatsSent.incrementAndGet();
                metrics.heartbeatsSent.increment();
            } else if (row.payload instanceof Frame.AgentStatus) {
                metrics.agentStatusSent.increment();
            }
        } else {
            boolean first = row.sends == 0;
            row.sends++;
            row.lastSentNanos = now;
            row.sentInSession = s.number;
            stats.framesSent.incrementAndGet();
            if (first) {
                row.firstSentNanos = now;
                stats.firstSends.incrementAndGet();
                metrics.framesSent.increment();
                metrics.eventsSent.add(row.eventCount());
                metrics.eventsQueued.add(-row.eventCount());
            } else {
                metrics.framesResent.increment();
            }
            if (legacyMode) {
                confirm(row.frameId, now); // the watchdog gave up on acks: sent means delivered
            }
        }
        if (s.transport.protocolPaused()) {
            stats.writeSuspensions.incrementAndGet();
            runLoop(s, () -> !s.transport.protocolPaused(), System.nanoTime() + UNBOUNDED_NANOS); // await drain()
        }
    }

    // ------------------------------------------------------------------ the event loop

    /**
     * The event loop while the send coroutine is suspended: until {@code resume} holds or the
     * deadline passes, one select per iteration, then the other coroutines and due timers.
     */
    private void runLoop(Session s, BooleanSupplier resume, long deadlineNanos) throws SessionEnded {
        while (!stopped) {
            long now = System.nanoTime();
            produce(now);
            if (resume.getAsBoolean() || now - deadlineNanos >= 0) {
                return;
            }
            long wait = Math.min(Math.min(deadlineNanos - now, s.nextTimer() - now), MAX_WAIT_NANOS);
            s.key.interestOps(SelectionKey.OP_READ | (s.transport.bufferedBytes() > 0 ? SelectionKey.OP_WRITE : 0));
            int ready;
            try {
                ready = wait >= 1_000_000 ? s.selector.select(wait / 1_000_000) : s.selector.selectNow();
            } catch (IOException e) {
                throw new SessionEnded("select failed: " + e.getMessage(), false);
            }
            s.selector.selectedKeys().clear();
            if (ready > 0 && s.key.isValid()) {
                int ops = s.key.readyOps();
                if ((ops & SelectionKey.OP_WRITE) != 0) {
                    s.flush();
                }
                if ((ops & SelectionKey.OP_READ) != 0) {
                    s.readOnce();
                }
            }
            s.receiveQueued();
            s.runTimers(System.nanoTime());
        }
    }

    // ------------------------------------------------------------------ the Celery side

    /** Events the worker produced since the last call (independent of the loop: other threads). */
    private void produce(long now) {
        long elapsed = now - lastProducedNanos;
        lastProducedNanos = now;
        if (!settings.producing().getAsBoolean()) {
            credit = 0;
            return;
        }
        credit += elapsed * settings.ratePerSecond().getAsDouble() / 1e9;
        int n = (int) credit;
        credit -= n;
        for (int i = 0; i < n; i++) {
            AgentBuffer.Row evicted = buffer.append(AgentBuffer.Kind.EVENT, BatchIds.next(random),
                    new Frame.EventBatch(List.of(events.next())));
            stats.emitted.incrementAndGet();
            metrics.eventsGenerated.increment();
            metrics.eventsQueued.increment();
            evicted(evicted);
        }
        if (n > 0) {
            stats.buffered.set(buffer.eventRows());
        }
    }

    /** A heartbeat, status or command answer joins the buffer (the oldest row goes if it is full). */
    private void appendControl(String frameId, Frame.Payload payload) {
        evicted(buffer.append(AgentBuffer.Kind.CONTROL, frameId, payload));
    }

    /** An event row evicted from a full buffer is lost: never sent (skipped) or sent and never acked. */
    private void evicted(AgentBuffer.Row row) {
        if (row == null || row.kind != AgentBuffer.Kind.EVENT) {
            return;
        }
        stats.evicted.incrementAndGet();
        stats.buffered.set(buffer.eventRows());
        if (row.sends == 0) {
            metrics.eventsQueued.decrement();
            metrics.eventsSkipped.increment();
        }
    }

    private void produceWhileWaiting(long nanos) {
        long end = System.nanoTime() + nanos;
        while (!stopped && System.nanoTime() - end < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(MAX_WAIT_NANOS, end - System.nanoTime()));
            produce(System.nanoTime());
        }
    }

    private void confirm(String frameId, long now) {
        AgentBuffer.Row row = buffer.confirm(frameId);
        if (row == null) {
            metrics.duplicateAcks.increment();
            return;
        }
        stats.confirmed.incrementAndGet();
        stats.buffered.set(buffer.eventRows());
        metrics.eventsAcked.add(row.eventCount());
        if (row.firstSentNanos >= 0) {
            metrics.recordAckLatency(now - row.firstSentNanos);
        }
    }

    private String hex(int n) {
        return HexFormat.of().toHexDigits(random.nextLong()).substring(16 - n);
    }

    // ------------------------------------------------------------------ one connection

    /** One WebSocket session: its socket, framing, signer/verifier and the loop's timers. */
    private final class Session {
        final SelectorTransport transport;
        final Selector selector;
        final long number = ++sessions;
        final WsFrames.Decoder decoder = new WsFrames.Decoder(MAX_MESSAGE_BYTES);
        final ArrayDeque<byte[]> messages = new ArrayDeque<>();
        final List<WsFrames.Inbound> frames = new ArrayList<>();
        SelectionKey key;
        FrameSigner signer;
        FrameVerifier verifier;
        boolean opened;
        boolean ackSeen;
        Instant connectedAt;
        long connectedAtNanos;
        long heartbeatIntervalNanos;
        long nextHeartbeat;
        long nextWatchdog;
        long nextPing;
        byte[] pingPayload;
        long pingSentAt;

        Session(SelectorTransport transport, Selector selector) {
            this.transport = transport;
            this.selector = selector;
        }

        void open(Frame.HelloAck ack) {
            SessionBinding binding = new SessionBinding(ack.agentId(), ack.projectId(), ack.sessionId());
            signer = new FrameSigner(secret, binding);
            verifier = new FrameVerifier(secret, binding, ReplayGuard.systemClock());
            connectedAt = Instant.now();
            connectedAtNanos = System.nanoTime();
            heartbeatIntervalNanos = TimeUnit.SECONDS.toNanos(Math.max(1, ack.heartbeatIntervalSeconds()));
            nextHeartbeat = connectedAtNanos;                  // the task's first pass enqueues a pair at once
            nextWatchdog = connectedAtNanos + WATCHDOG_PERIOD_NANOS;
            nextPing = connectedAtNanos + PING_INTERVAL_NANOS;
            opened = true;
            ackSeen = false;
            stats.agentId(ack.agentId());
            stats.sessions.incrementAndGet();
            stats.connected(true);
            metrics.connectionsOpen.incrementAndGet();
            if (number == 1) {
                metrics.connectionsEverOpened.incrementAndGet();
            }
        }

        void writeMessage(byte[] payload) throws SessionEnded {
            write(WsFrames.clientFrame(WsFrames.OP_BINARY, payload, random));
        }

        private void write(byte[] bytes) throws SessionEnded {
            try {
                transport.write(bytes);
            } catch (IOException e) {
                throw end("write failed: " + e.getMessage(), true);
            }
        }

        void flush() throws SessionEnded {
            try {
                transport.flush();
            } catch (IOException e) {
                throw end("write failed: " + e.getMessage(), true);
            }
        }

        /** One recv and websockets' {@code data_received}: parse, answer pings, queue messages. */
        void readOnce() throws SessionEnded {
            ByteBuffer data;
            try {
                data = transport.read();
            } catch (IOException e) {
                throw end("read failed: " + e.getMessage(), true);
            }
            if (data == null) {
                throw end("connection closed by the brain (EOF)", true);
            }
            if (data.hasRemaining()) {
                feed(data);
            }
        }

        void feed(ByteBuffer data) throws SessionEnded {
            frames.clear();
            try {
                decoder.feed(data, frames);
            } catch (WsFrames.FramingException e) {
                write(WsFrames.clientFrame(WsFrames.OP_CLOSE, WsFrames.closePayload(e.closeCode, e.getMessage()),
                        random));
                throw end("bad framing from the brain: " + e.getMessage(), true);
            }
            for (WsFrames.Inbound f : frames) {
                switch (f.opcode()) {
                    case WsFrames.OP_PING -> write(WsFrames.clientFrame(WsFrames.OP_PONG, f.payload(), random));
                    case WsFrames.OP_PONG -> {
                        if (pingPayload != null && java.util.Arrays.equals(pingPayload, f.payload())) {
                            pingPayload = null;
                            nextPing = Math.max(System.nanoTime(), pingSentAt + PING_INTERVAL_NANOS);
                        }
                    }
                    case WsFrames.OP_CLOSE -> {
                        write(WsFrames.clientFrame(WsFrames.OP_CLOSE, WsFrames.closePayload(f.closeCode(), ""),
                                random));
                        throw end("closed by the brain with " + f.closeCode()
                                + (f.closeReason().isEmpty() ? "" : " " + f.closeReason()), true);
                    }
                    default -> messages.add(f.payload());
                }
            }
        }

        /** Before hello_ack: read until the first message (no coroutine runs yet). */
        byte[] awaitFirstMessage(long deadline) throws SessionEnded, IOException {
            while (messages.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no hello_ack within " + TimeUnit.NANOSECONDS.toSeconds(HELLO_ACK_TIMEOUT_NANOS)
                            + " s");
                }
                if (stopped) {
                    throw end("stopped", false);
                }
                key.interestOps(SelectionKey.OP_READ | (transport.bufferedBytes() > 0 ? SelectionKey.OP_WRITE : 0));
                int ready = selector.select(Math.max(1, Math.min(left, MAX_WAIT_NANOS) / 1_000_000));
                selector.selectedKeys().clear();
                if (ready > 0 && key.isValid() && key.isWritable()) {
                    flush();
                }
                if (ready > 0 && key.isValid() && key.isReadable()) {
                    readOnce();
                }
            }
            return messages.poll();
        }

        /** The receive coroutine: every queued message, verified and acted on, without suspending. */
        void receiveQueued() throws SessionEnded {
            byte[] msg;
            while ((msg = messages.poll()) != null) {
                cost.frame();
                Frame frame;
                try {
                    frame = verifier.verify(msg);
                } catch (ProtocolException e) {
                    stats.verifyFailures.incrementAndGet();
                    metrics.verifyFailures.increment();
                    throw end("inbound frame verification failed: " + e.getMessage(), false);
                }
                long now = System.nanoTime();
                switch (frame.payload()) {
                    case Frame.EventBatchAck ack -> {
                        ackSeen = true;
                        stats.ackProcessed(now);
                        metrics.acksReceived.increment();
                        confirm(ack.ackedId(), now);
                    }
                    case Frame.Command c -> {
                        metrics.commandsReceived.increment();
                        dispatch(frame, c);
                    }
                    default -> { } // heartbeat/error frames from the brain are verified and ignored
                }
            }
        }

        /** The dispatcher's answer goes into the buffer like every other outbound frame. */
        private void dispatch(Frame frame, Frame.Command c) {
            appendControl(frame.id(), new Frame.CommandAck(Map.of()));
            if (seenCommands.put(frame.id(), Boolean.TRUE) != null) {
                return;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("echo", true);
            result.put("action", c.action());
            appendControl(frame.id(), new Frame.CommandResult("success", result, null));
            metrics.commandsAnswered.increment();
        }

        long nextTimer() {
            long t = Math.min(nextHeartbeat, nextWatchdog);
            return Math.min(t, pingPayload != null ? pingSentAt + PING_TIMEOUT_NANOS : nextPing);
        }

        /** Heartbeat task, ack watchdog and keepalive, when their time has come and the loop runs. */
        void runTimers(long now) throws SessionEnded {
            if (now - nextHeartbeat >= 0) {
                long depth = buffer.eventRows();
                Frame hb = StatusFrames.heartbeat(depth, lastFlushAt, random);
                Frame status = StatusFrames.agentStatus(connectedAt, (now - connectedAtNanos) / 1e9, depth, random);
                appendControl(hb.id(), hb.payload());
                appendControl(status.id(), status.payload());
                nextHeartbeat = now + heartbeatIntervalNanos;
            }
            if (now - nextWatchdog >= 0) {
                watchdog(now);
                nextWatchdog = now + WATCHDOG_PERIOD_NANOS;
            }
            if (pingPayload != null && now - (pingSentAt + PING_TIMEOUT_NANOS) >= 0) {
                write(WsFrames.clientFrame(WsFrames.OP_CLOSE, WsFrames.closePayload(1011, "keepalive ping timeout"),
                        random));
                metrics.otherErrors.increment();
                throw end("keepalive ping timeout (no pong within 60 s)", false);
            }
            if (pingPayload == null && now - nextPing >= 0) {
                pingPayload = new byte[4];
                random.nextBytes(pingPayload);
                pingSentAt = now;
                write(WsFrames.clientFrame(WsFrames.OP_PING, pingPayload, random));
            }
        }

        /**
         * Every un-acked event frame sent on this connection more than 90 s ago: if an ack was
         * ever seen here it is kept (to be re-sent); if none was, the brain is taken for one that
         * does not ack, and sent frames count as delivered from then on.
         */
        private void watchdog(long now) {
            List<AgentBuffer.Row> stale = new ArrayList<>();
            for (AgentBuffer.Row r : buffer.pendingIn(number)) {
                if (now - r.lastSentNanos > ACK_DEADLINE_NANOS) {
                    stale.add(r);
                }
            }
            if (stale.isEmpty()) {
                return;
            }
            if (ackSeen) {
                stale.forEach(r -> r.attempts++);
                return;
            }
            legacyMode = true;
            stats.legacyMode();
            for (AgentBuffer.Row r : stale) {
                confirm(r.frameId, now);
            }
        }

        private SessionEnded end(String reason, boolean byBrain) {
            return new SessionEnded(reason, byBrain);
        }

        /** Our side of the end: a polite close when we are the ones stopping, then the socket goes. */
        void close(boolean normal) {
            if (opened) {
                opened = false;
                metrics.connectionsOpen.decrementAndGet();
            }
            if (normal && transport.channel().isOpen()) {
                try {
                    transport.write(WsFrames.clientFrame(WsFrames.OP_CLOSE, WsFrames.closePayload(1000, "loadgen done"),
                            random));
                } catch (IOException ignored) {
                    // aborting below anyway
                }
            }
            if (key != null) {
                key.cancel();
            }
            transport.abort();
            try {
                selector.selectNow(); // deregisters the cancelled key before a new channel registers
            } catch (IOException ignored) {
                // the next select does it
            }
        }
    }
}
