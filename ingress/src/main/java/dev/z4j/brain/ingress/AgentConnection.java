package dev.z4j.brain.ingress;

import dev.z4j.brain.ingress.ws.WsProtocolError;
import dev.z4j.brain.pipeline.AckTarget;
import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FramePeek;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.Json;
import dev.z4j.brain.protocol.JsonWriter;
import dev.z4j.brain.protocol.MacPool;
import dev.z4j.brain.protocol.ProtocolException;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.protocol.Timestamps;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.EventRow;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent WebSocket: bearer auth at upgrade, hello/hello_ack, then verified frames in arrival
 * order on Helidon's virtual thread for this socket. Publishing into a full ring blocks this
 * thread, so the socket stops being read and TCP pushes back on the agent: nothing is dropped.
 *
 * <p>Commands pushed here stay this socket's until the agent's {@code command_ack}; if the socket
 * goes away first, whatever it still holds is released and routed again (see {@link AgentGateway}).
 */
final class AgentConnection implements WsListener, ConnectionRegistry.Slot, AckTarget {
    private static final Logger LOG = Logger.getLogger(AgentConnection.class.getName());

    private enum State { AWAITING_HELLO, OPEN, CLOSED }

    /** How long a graceful shutdown waits for an agent to answer its 1001 beyond the flush budget. */
    private static final long CLOSE_ANSWER_NANOS = 1_000_000_000L;

    private final AgentGateway gateway;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private ByteArrayOutputStream fragments; // reader thread; only for a message split into frames
    private final BatchTracker batches = new BatchTracker();
    /** Counted down when the socket layer reports the end (peer's close frame, or a failure). */
    private final CountDownLatch socketEnded = new CountDownLatch(1);
    /** Null when the operator turned the brake off (Z4J_WS_RESEND_BRAKE=off). */
    private final ResendBrake brake;
    private volatile Thread holdingReader;
    private final long openedNanos = System.nanoTime();
    private final SerialWrites writes;
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_HELLO);
    /** Commands pushed here and not yet acknowledged by the agent. */
    private final Map<UUID, CommandStore.Command> unacked = new ConcurrentHashMap<>();
    private final ReentrantLock commandIntake = new ReentrantLock();
    private boolean takingCommands = true; // guarded by commandIntake
    private final AtomicBoolean leftRegistry = new AtomicBoolean();

    private volatile long lastMessageNanos = openedNanos;
    private BearerAuth.Result auth;
    private WsSession session;
    private volatile Directory.Agent agent;
    private String workerId;
    private volatile SocketId socketId;
    private volatile Instant connectedAt;
    private FrameVerifier verifier;
    private volatile Outbox outbox;
    /** Set after register(); read by cleanup on any thread (see onHello for the race it closes). */
    private volatile boolean registered;

    AgentConnection(AgentGateway gateway) {
        this.gateway = gateway;
        this.config = gateway.config();
        this.metrics = gateway.metrics();
        this.writes = gateway.serialWrites();
        this.brake = config.resendBrake() ? new ResendBrake() : null;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        auth = gateway.auth().authenticate(headers.first(HeaderNames.AUTHORIZATION));
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        metrics.socketOpened();
        gateway.track(this);
        if (auth == null || auth.agent() == null) {
            String why = auth == null ? "missing" : auth.failure();
            metrics.authFailed(why);
            close(CloseCodes.UNAUTHORIZED, "unauthorized: " + why);
            return;
        }
        agent = auth.agent();
        auth = null; // the agent is all this socket keeps of its upgrade
        if (gateway.goingAway()) {
            close(CloseCodes.GOING_AWAY, "brain shutting down"); // reconnect to another replica, or later
            return;
        }
        if (gateway.revokedRecently(agent.id())) {
            // The token was looked up just before the agent was deleted, and revoke() did not
            // see this socket yet: it goes the way the agent's other sockets went.
            close(CloseCodes.REVOKED, "agent revoked");
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        byte[] chunk = new byte[buffer.available()];
        buffer.read(chunk);
        onChunk(chunk, last);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        onChunk(text.getBytes(StandardCharsets.UTF_8), last);
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        cleanup();
        socketEnded.countDown();
    }

    /**
     * The socket layer found a protocol error (close with its code), or the peer vanished (reset, or
     * the stream ended without a close frame): let go of everything now, not at the idle sweep.
     */
    @Override
    public void onError(WsSession session, Throwable t) {
        if (t instanceof WsProtocolError e) {
            metrics.frameRejected(e.label());
            close(e.closeCode(), e.getMessage());
            return;
        }
        LOG.log(Level.FINE, "agent socket lost", t);
        if (cleanup()) {
            metrics.closed(CloseCodes.ABNORMAL);
        }
        socketEnded.countDown();
    }

    /** The agent id once authenticated (null before, or when authentication failed). */
    UUID agentId() {
        Directory.Agent a = agent;
        return a == null ? null : a.id();
    }

    /** Another socket of the same (agent, worker) took over. */
    @Override
    public void displace() {
        close(CloseCodes.DISPLACED, "displaced by a newer connection of the same worker");
    }

    // ------------------------------------------------------------------ inbound

    private void onChunk(byte[] chunk, boolean last) {
        if (state.get() == State.CLOSED) {
            return;
        }
        lastMessageNanos = System.nanoTime();
        // The socket layer refuses a message over config.maxMessageBytes before reading it (4400).
        byte[] message;
        if (last && (fragments == null || fragments.size() == 0)) {
            message = chunk; // the common case: one frame per message, no copy
        } else {
            if (fragments == null) {
                fragments = new ByteArrayOutputStream();
            }
            fragments.writeBytes(chunk);
            if (!last) {
                return;
            }
            message = fragments.toByteArray();
            fragments.reset();
        }
        if (message.length == 0) {
            metrics.frameRejected("empty");
            close(CloseCodes.BAD_FRAME, "empty message");
            return;
        }
        try {
            if (state.get() == State.AWAITING_HELLO) {
                onHello(message);
            } else {
                onFrame(message);
            }
        } catch (ProtocolException e) {
            if (e.reason() == ProtocolException.Reason.TOO_COMPLEX && state.get() == State.OPEN) {
                answerTooComplex(message, e);
            } else {
                refuse(e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unexpected error on agent socket", e);
            metrics.frameRejected("internal");
            close(CloseCodes.INTERNAL, "internal error");
        }
    }

    /**
     * A frame nested deeper or with a longer number than anything a Python agent can sign (see
     * Json) cannot be verified, so nothing of it is stored. Closing would not help: the agent
     * keeps an un-acked batch and re-sends it after every reconnect, forever. So a batch is acked
     * as all rejected (and remembered, so its re-sends are too), anything else is dropped, and the
     * session goes on.
     */
    private void answerTooComplex(byte[] message, ProtocolException e) {
        metrics.frameRejected(e.reason().label());
        FramePeek.Envelope env = FramePeek.envelope(message, 0, message.length);
        if (env == null || env.id() == null || !"event_batch".equals(env.type())) {
            return;
        }
        int events = Math.max(0, FramePeek.eventCount(message, 0, message.length));
        metrics.eventsReceived(events);
        for (int i = 0; i < events; i++) {
            metrics.eventRejected("too_complex");
        }
        if (batches.arrive(env.id(), System.nanoTime()) == null) {
            batches.commit(env.id(), new BatchTracker.Counts(events, 0, events), System.nanoTime());
            sendAck(env.id(), events, 0, events);
        }
    }

    private void refuse(ProtocolException e) {
        metrics.frameRejected(e.reason().label());
        int code;
        if (state.get() == State.AWAITING_HELLO) {
            code = CloseCodes.BAD_FRAME;
        } else if (e.isSignatureFailure()) {
            code = CloseCodes.SIGNATURE;
        } else if (e.reason() == ProtocolException.Reason.INVALID_FIELD) {
            code = CloseCodes.BAD_FRAME;
        } else {
            code = CloseCodes.INTERNAL; // the reference's mapping of post-handshake ProtocolError
        }
        close(code, e.reason().label() + ": " + e.getMessage());
    }

    private void onHello(byte[] message) {
        Frame frame = FrameVerifier.parseHello(message, 0, message.length);
        Frame.Hello hello = (Frame.Hello) frame.payload();
        metrics.frameReceived("hello");
        if (!"2".equals(hello.protocolVersion())) {
            metrics.frameRejected("protocol_version");
            close(CloseCodes.UPGRADE_REQUIRED, "unsupported protocol_version " + hello.protocolVersion());
            return;
        }
        workerId = hello.workerId() == null ? "" : hello.workerId();
        connectedAt = Instant.now();
        UUID session = UUID.randomUUID();
        String sessionId = session.toString();
        socketId = new SocketId(session, workerId);
        // Interned: every socket of the agent (one per worker) and of the project shares one copy.
        SessionBinding binding = new SessionBinding(agent.id().toString().intern(),
                agent.projectId().toString().intern(), sessionId);
        MacPool macs = gateway.projectMacs(agent.projectId());
        // The verifier must exist before hello_ack leaves: the agent starts sending right after it.
        verifier = new FrameVerifier(macs, binding, ReplayGuard.systemClock());
        outbox = new Outbox(new FrameSigner(macs, binding), bytes -> this.session.send(BufferData.create(bytes), true),
                reason -> close(CloseCodes.INTERNAL, reason)); // called on a thread of its own
        Frame ack = new Frame(FrameType.HELLO_ACK, "hack_" + sessionId.replace("-", "").substring(0, 12),
                Timestamps.format(Instant.now()), null, null, null,
                new Frame.HelloAck("2", config.brainVersion(), binding.agentId(), binding.projectId(), sessionId,
                        config.heartbeatInterval(), config.maxMessageBytes()));
        if (!sendBinary(FrameSigner.unsigned(ack)) || !state.compareAndSet(State.AWAITING_HELLO, State.OPEN)) {
            return; // closed meanwhile (hello timeout, send failure)
        }
        Directory.WorkerHello worker = workerHello(hello);
        Instant since = connectedAt;
        // Batched with every other socket's hello; this socket's later writes wait for it (join).
        writes.submit(() -> gateway.workerHellos().connected(worker, since).join());
        ConnectionRegistry.Outcome outcome = gateway.registry().register(agent.id(), workerId, this);
        if (outcome == ConnectionRegistry.Outcome.OVER_CAP) {
            metrics.frameRejected("worker_cap");
            close(CloseCodes.TOO_MANY, "too many worker connections for this agent");
            return;
        }
        // Dekker pair with cleanup(): it sets CLOSED then reads registered; we set registered then
        // read the state. A close that ran between register() and here saw registered == false and
        // left the slot in the registry: one of the two sides always sees the other and leaves it.
        registered = true;
        if (state.get() == State.CLOSED) {
            leaveRegistry();
            return;
        }
        gateway.socketAccepted(agent.id(), workerId, connectedAt);   // older sockets on other replicas go
        gateway.publish(new Notice(agent.projectId(), Notice.AGENT_CHANGED, 1, agent.id().toString()));
        gateway.drainPending(agent.id());                            // commands that waited for us
    }

    private void onFrame(byte[] message) {
        long now = System.nanoTime();
        FramePeek.Envelope env = FramePeek.envelope(message, 0, message.length);
        if (brake != null && brake.wantsSendTimes()) {
            brake.onMessage(sentMicros(env), now);
        }
        if (env != null && env.id() != null && "event_batch".equals(env.type())) {
            BatchTracker.Batch known = batches.known(env.id());
            if (known != null) {
                answerCopy(env.id(), known, now);
                return;
            }
        }
        Frame frame = verifier.verify(message);
        metrics.frameReceived(frame.type().wire());
        Instant at = Instant.now();
        gateway.liveness().seen(agent.id(), workerId, at); // any verified frame: a busy agent is online
        switch (frame.payload()) {
            case Frame.EventBatch batch -> onEventBatch(frame.id(), batch, at, now);
            case Frame.Heartbeat hb -> gateway.queueDepths().report(agent.projectId(), hb.adapterHealth());
            case Frame.AgentStatus st -> { }
            case Frame.CommandAck ack -> onCommandAck(frame.id(), at);
            case Frame.CommandResult result -> onCommandResult(frame.id(), result, at);
            default -> LOG.log(Level.FINE, "ignored {0} frame from agent", frame.type().wire());
        }
    }

    /** The agent's clock when it signed the frame, in microseconds; MIN_VALUE if it has none. */
    private static long sentMicros(FramePeek.Envelope env) {
        if (env == null || env.ts() == null) {
            return Long.MIN_VALUE;
        }
        try {
            Instant t = Timestamps.parseAware(env.ts());
            return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        } catch (RuntimeException e) {
            return Long.MIN_VALUE; // the verifier says what is wrong with it, if it gets that far
        }
    }

    /**
     * A copy of a batch this connection already has, recognised from the envelope alone (the resend
     * loop of real agents, docs/PROTOCOL.md 8, sends every un-acked batch again on every pass): it
     * costs a lookup and, if committed, at most one re-ack a second. Such a copy changes no state
     * besides that ack, so skipping its signature and replay checks cannot let anything in. It also
     * says whether the agent reads its acks: the brake may stop reading this socket until the
     * agent's writes block (ResendBrake).
     */
    private void answerCopy(String batchId, BatchTracker.Batch copy, long now) {
        BatchTracker.Counts c = copy.counts();
        metrics.batchResent(c == null ? "in_flight" : "committed");
        if (c != null && batches.reackDue(copy, now)) {
            sendAck(batchId, c.received(), 0, c.received()); // the copy itself stored nothing
        }
        if (brake != null) {
            holdReading(brake.onCopy(copy.firstSeenNanos, copy.ackNanos(), now));
        }
    }

    /**
     * Parks this socket's reader (so nothing more is read from it and TCP pushes back on the agent)
     * for {@code nanos}, or until the connection closes.
     */
    private void holdReading(long nanos) {
        if (nanos <= 0) {
            return;
        }
        metrics.readHeld(nanos);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("agent " + agent.id() + " worker '" + workerId + "' re-sends acked batches: not read for "
                    + nanos / 1_000_000 + " ms (" + brake.lastVerdict() + ")");
        }
        long deadline = System.nanoTime() + nanos;
        holdingReader = Thread.currentThread();
        try {
            long left;
            while (state.get() != State.CLOSED && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            holdingReader = null;
        }
    }

    private void onEventBatch(String batchId, Frame.EventBatch batch, Instant receivedAt, long now) {
        BatchTracker.Batch known = batches.arrive(batchId, now);
        if (known != null) {
            answerCopy(batchId, known, now); // no DB work for a copy
            return;
        }
        List<Map<String, Object>> events = batch.events();
        metrics.eventsReceived(events.size());
        List<EventRow> rows = new ArrayList<>(events.size());
        for (Map<String, Object> e : events) {
            try {
                rows.add(EventNormalizer.normalize(e, agent.projectId(), agent.id(), receivedAt));
            } catch (EventNormalizer.Rejected r) {
                metrics.eventRejected(r.reason());
            }
        }
        try {
            gateway.pipeline().publish(this, batchId, events.size(), rows); // blocks while the ring is full
        } catch (IllegalStateException stopped) {
            // The brain is shutting down: not acked, so the agent resends it to whoever comes next.
            // The socket stays open: closing here would drop the acks still queued for batches that
            // were committed; the shutdown closes it with 1001 once they are written.
            metrics.frameRejected("shutting_down");
        }
    }

    /** From here on the command is the agent's: it is never released or pushed again. */
    private void onCommandAck(String id, Instant now) {
        UUID commandId = commandId(id);
        if (commandId == null) {
            return;
        }
        unacked.remove(commandId);
        writes.submit(() -> {
            if (gateway.commands().acknowledge(commandId, agent.projectId(), agent.id(), now)) {
                gateway.publish(new Notice(agent.projectId(), Notice.COMMAND_CHANGED, 1, commandId.toString()));
            }
        });
    }

    /** Closes the command's lifecycle, whichever replica pushed it and in whichever later session. */
    private void onCommandResult(String id, Frame.CommandResult r, Instant now) {
        UUID commandId = commandId(id);
        if (commandId == null) {
            return;
        }
        unacked.remove(commandId); // a result implies the agent had it
        String result = r.result() == null ? null : json(r.result());
        boolean success = "success".equals(r.status());
        String error = success ? null : (r.error() == null ? "agent reported failure" : r.error());
        writes.submit(() -> {
            if (gateway.commands().finish(commandId, agent.projectId(), agent.id(), success, result, error, now)) {
                gateway.publish(new Notice(agent.projectId(), Notice.COMMAND_CHANGED, 1, commandId.toString()));
            } else {
                metrics.frameRejected("late_command_result");
            }
        });
    }

    private static UUID commandId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null; // the reference ignores non-UUID ids too
        }
    }

    /**
     * A command claimed for this socket (Slot): signed and sent in order with the acks. Held as
     * unacknowledged until the agent's command_ack; false once the socket is going away.
     */
    @Override
    public boolean push(CommandStore.Command c) {
        Outbox out = outbox;
        commandIntake.lock();
        try {
            if (!takingCommands || out == null) {
                return false;
            }
            unacked.put(c.id(), c);
        } finally {
            commandIntake.unlock();
        }
        Map<String, Object> target = new java.util.LinkedHashMap<>(jsonObject(c.targetJson()));
        Map<String, Object> parameters = jsonObject(c.parametersJson());
        if (!target.containsKey("engine") && parameters.get("engine") instanceof String engine) {
            target.put("engine", engine); // multi-engine agents route by target.engine (docs/PROTOCOL.md 9.1)
        }
        long timeout = Math.max(1, Math.min(3600, c.timeoutSeconds())); // older agents reject > 3600
        // If the outbox closed meanwhile the frame is dropped here, but the command is in unacked:
        // the cleanup that closed it releases it.
        out.enqueue(Frame.outbound(c.id().toString(),
                new Frame.Command(c.action(), target, parameters, timeout, c.issuedBy())));
        return true;
    }

    @Override
    public Instant connectedAt() {
        return connectedAt;
    }

    @Override
    public SocketId socketId() {
        return socketId;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        Object v = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    /**
     * Every connection of one agent writes through the same ingest writer: the writer's batch
     * updates the agent's row first and holds it to its commit, so two writers sharing agents
     * would take turns on those rows (and could lock them in opposite orders).
     */
    @Override
    public int laneKey() {
        Directory.Agent a = agent; // set by hello, before any event_batch is published
        return a == null ? 0 : a.id().hashCode();
    }

    /** Called by the persister after commit (AckTarget): must not block (an overflow closes elsewhere). */
    @Override
    public void ack(String batchId, int received, int accepted, int rejected) {
        // One ack however many copies arrived while it was in flight: the agent acts on the first.
        batches.commit(batchId, new BatchTracker.Counts(received, accepted, rejected), System.nanoTime());
        sendAck(batchId, received, accepted, rejected);
    }

    private void sendAck(String batchId, int received, int accepted, int rejected) {
        String id = "eba_" + batchId;
        Outbox out = outbox;
        if (out != null) {
            out.enqueueAck(batchId, Frame.outbound(id.length() > 64 ? id.substring(0, 64) : id,
                    new Frame.EventBatchAck(batchId, received, accepted, rejected)));
        }
    }

    // ------------------------------------------------------------------ outbound / closing

    private boolean sendBinary(byte[] bytes) {
        try {
            session.send(BufferData.create(bytes), true);
            return true;
        } catch (RuntimeException e) {
            cleanup();
            return false;
        }
    }

    void close(int code, String reason) {
        if (!cleanup()) {
            return; // already closed
        }
        metrics.closed(code);
        try {
            // Close reasons are limited to 123 bytes on the wire.
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            session.close(code, r.length <= 120 ? reason : new String(r, 0, 120, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    /**
     * Marks the connection closed and lets go of everything it holds; true only for the one call
     * that closed it. Never blocks (database writes and routing are queued): it runs on reader
     * threads, the watchdog, and whoever displaces this socket.
     */
    private boolean cleanup() {
        State s;
        do {
            s = state.get();
            if (s == State.CLOSED) {
                return false;
            }
        } while (!state.compareAndSet(s, State.CLOSED));
        Thread held = holdingReader;
        if (held != null) {
            LockSupport.unpark(held); // a held reader sees CLOSED and returns to the socket layer
        }
        metrics.socketClosed();
        gateway.untrack(this);
        Outbox out = outbox;
        if (out != null) {
            out.close();
        }
        if (registered) {
            leaveRegistry();
        }
        return true;
    }

    /**
     * Once, after the slot was registered and the connection closed: unregister, tell everyone, and
     * hand back the commands the agent never acknowledged.
     */
    private void leaveRegistry() {
        if (!leftRegistry.compareAndSet(false, true)) {
            return;
        }
        gateway.registry().unregister(agent.id(), workerId, this); // first: no new push picks us now
        List<CommandStore.Command> lost;
        commandIntake.lock();
        try {
            takingCommands = false;
            lost = List.copyOf(unacked.values());
            unacked.clear();
        } finally {
            commandIntake.unlock();
        }
        gateway.publish(new Notice(agent.projectId(), Notice.AGENT_CHANGED, 1, agent.id().toString()));
        Instant since = connectedAt;
        Instant until = Instant.now();
        writes.submit(() -> gateway.directory().workerDisconnected(agent.id(), workerId, since, until));
        if (!lost.isEmpty()) {
            SocketId self = socketId;
            writes.submit(() -> gateway.releaseAndReroute(self, lost)); // after any ack already queued
        }
    }

    /** Called by the gateway's watchdog: hello timeout and idle timeout. */
    void checkTimeouts(long nowNanos) {
        State s = state.get();
        if (s == State.AWAITING_HELLO && nowNanos - openedNanos > config.helloTimeout().toNanos()) {
            metrics.frameRejected("hello_timeout");
            close(CloseCodes.IDLE, "no hello within " + config.helloTimeout().toSeconds() + " s");
        } else if (s == State.OPEN && nowNanos - lastMessageNanos > config.idleTimeout().toNanos()) {
            close(CloseCodes.IDLE, "idle for " + config.idleTimeout().toSeconds() + " s");
        }
    }

    boolean isOpen() {
        return state.get() != State.CLOSED;
    }

    private Directory.WorkerHello workerHello(Frame.Hello h) {
        Instant started = null;
        if (h.workerStartedAt() != null) {
            started = Timestamps.parseAssumingUtc(h.workerStartedAt());
        }
        return new Directory.WorkerHello(agent.id(), agent.projectId(), h.workerId(), h.workerRole(), h.framework(),
                h.workerPid() == null ? null : h.workerPid().intValue(), started, h.protocolVersion(),
                h.agentVersion(), json(h.engines()), json(h.schedulers()), json(h.capabilities()), json(h.host()));
    }

    private static String json(Object v) {
        return new String(JsonWriter.wire(v), StandardCharsets.UTF_8);
    }

    /** Graceful shutdown (after the pipeline drained): deliver the last acks until the deadline, then 1001. */
    void goingAway(long deadlineNanos) {
        Outbox out = outbox;
        if (out != null) {
            out.awaitFlushed(deadlineNanos);
        }
        close(CloseCodes.GOING_AWAY, "brain shutting down");
        // The close frame is written on another thread: wait for the peer's answer (bounded), or the
        // server's stop would cut the socket first and the agent would see 1006, not 1001.
        try {
            socketEnded.await(Math.max(0, deadlineNanos - System.nanoTime()) + CLOSE_ANSWER_NANOS,
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
