package dev.z4j.brain.ingress;

import dev.z4j.brain.pipeline.AckTarget;
import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FramePeek;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.Json;
import dev.z4j.brain.protocol.JsonWriter;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent WebSocket: bearer auth at upgrade, hello/hello_ack, then verified frames in arrival
 * order on Helidon's virtual thread for this socket. Publishing into a full ring blocks this
 * thread, so the socket stops being read and TCP pushes back on the agent: nothing is dropped.
 */
final class AgentConnection implements WsListener, ConnectionRegistry.Slot, AckTarget {
    private static final Logger LOG = Logger.getLogger(AgentConnection.class.getName());

    private enum State { AWAITING_HELLO, OPEN, CLOSED }

    private final AgentGateway gateway;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();
    private final BatchTracker batches = new BatchTracker();
    private final long openedNanos = System.nanoTime();

    private volatile State state = State.AWAITING_HELLO;
    private volatile long lastMessageNanos = openedNanos;
    private BearerAuth.Result auth;
    private WsSession session;
    private volatile Directory.Agent agent;
    private String workerId;
    private Instant connectedAt;
    private FrameVerifier verifier;
    private Outbox outbox;
    private boolean registered;

    AgentConnection(AgentGateway gateway) {
        this.gateway = gateway;
        this.config = gateway.config();
        this.metrics = gateway.metrics();
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
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.FINE, "agent socket error", t);
        cleanup();
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
        if (state == State.CLOSED) {
            return;
        }
        lastMessageNanos = System.nanoTime();
        if (fragments.size() + chunk.length > config.maxMessageBytes()) {
            metrics.frameRejected("oversize");
            close(CloseCodes.BAD_FRAME, "message larger than " + config.maxMessageBytes() + " bytes");
            return;
        }
        byte[] message;
        if (last && fragments.size() == 0) {
            message = chunk; // the common case: one frame per message, no copy
        } else {
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
            if (state == State.AWAITING_HELLO) {
                onHello(message);
            } else {
                onFrame(message);
            }
        } catch (ProtocolException e) {
            refuse(e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unexpected error on agent socket", e);
            metrics.frameRejected("internal");
            close(CloseCodes.INTERNAL, "internal error");
        }
    }

    private void refuse(ProtocolException e) {
        metrics.frameRejected(e.reason().label());
        int code;
        if (state == State.AWAITING_HELLO) {
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
        String sessionId = UUID.randomUUID().toString();
        SessionBinding binding = new SessionBinding(agent.id().toString(), agent.projectId().toString(), sessionId);
        byte[] secret = gateway.projectSecret(agent.projectId());
        // The verifier must exist before hello_ack leaves: the agent starts sending right after it.
        verifier = new FrameVerifier(secret, binding, ReplayGuard.systemClock());
        outbox = new Outbox(new FrameSigner(secret, binding), this::sendBinary,
                reason -> close(CloseCodes.INTERNAL, reason));
        Frame ack = new Frame(FrameType.HELLO_ACK, "hack_" + sessionId.replace("-", "").substring(0, 12),
                Timestamps.format(Instant.now()), null, null, null,
                new Frame.HelloAck("2", config.brainVersion(), binding.agentId(), binding.projectId(), sessionId,
                        config.heartbeatInterval(), config.maxMessageBytes()));
        if (!sendBinary(FrameSigner.unsigned(ack))) {
            return;
        }
        state = State.OPEN;
        gateway.directoryWrite(() -> gateway.directory().workerConnected(workerHello(hello), connectedAt));
        ConnectionRegistry.Outcome outcome = gateway.registry().register(agent.id(), workerId, this);
        if (outcome == ConnectionRegistry.Outcome.OVER_CAP) {
            metrics.frameRejected("worker_cap");
            close(CloseCodes.TOO_MANY, "too many worker connections for this agent");
            return;
        }
        registered = true;
        gateway.socketAccepted(agent.id(), workerId, connectedAt);   // older sockets on other replicas go
        gateway.publish(new Notice(agent.projectId(), Notice.AGENT_CHANGED, 1, agent.id().toString()));
        gateway.drainPending(agent.id());                            // commands that waited for us
    }

    private void onFrame(byte[] message) {
        if (isKnownBatchResend(message)) {
            return;
        }
        Frame frame = verifier.verify(message);
        metrics.frameReceived(frame.type().wire());
        Instant now = Instant.now();
        switch (frame.payload()) {
            case Frame.EventBatch batch -> onEventBatch(frame.id(), batch, now);
            case Frame.Heartbeat hb -> gateway.liveness().seen(agent.id(), workerId, now);
            case Frame.AgentStatus st -> gateway.liveness().seen(agent.id(), workerId, now);
            case Frame.CommandAck ack -> onCommandAck(frame.id());
            case Frame.CommandResult result -> onCommandResult(frame.id(), result, now);
            default -> LOG.log(Level.FINE, "ignored {0} frame from agent", frame.type().wire());
        }
    }

    /**
     * The resend loop of real agents (docs/PROTOCOL.md 8) sends every un-acked batch again on every pass:
     * a batch id this connection already has is recognised from the envelope alone, before the
     * HMAC, and costs a lookup (plus a re-ack if committed). Such a copy changes no state besides
     * that ack, so skipping its signature and replay checks cannot let anything in.
     */
    private boolean isKnownBatchResend(byte[] message) {
        FramePeek.Envelope env = FramePeek.typeAndId(message, 0, message.length);
        if (env == null || env.id() == null || !"event_batch".equals(env.type())) {
            return false;
        }
        BatchTracker.Arrival arrival = batches.duplicateOf(env.id());
        if (arrival == BatchTracker.Arrival.NEW) {
            return false;
        }
        answerCopy(env.id(), arrival);
        return true;
    }

    /** A copy of a batch id we already have: re-ack it if committed, else it is acked on commit. */
    private void answerCopy(String batchId, BatchTracker.Arrival arrival) {
        if (arrival == BatchTracker.Arrival.COMMITTED) {
            metrics.batchResent("committed");
            BatchTracker.Counts c = batches.committedCounts(batchId);
            if (c != null) {
                sendAck(batchId, c.received(), 0, c.received()); // the copy itself stored nothing
            }
        } else {
            metrics.batchResent("in_flight");
        }
    }

    private void onEventBatch(String batchId, Frame.EventBatch batch, Instant receivedAt) {
        BatchTracker.Arrival arrival = batches.arrive(batchId);
        if (arrival != BatchTracker.Arrival.NEW) {
            answerCopy(batchId, arrival); // no DB work for a copy
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
        gateway.liveness().seen(agent.id(), workerId, receivedAt);
        try {
            gateway.pipeline().publish(this, batchId, events.size(), rows); // blocks while the ring is full
        } catch (IllegalStateException stopped) {
            // The brain is shutting down: not acked, so the agent resends it to whoever comes next.
            close(CloseCodes.GOING_AWAY, "brain shutting down");
        }
    }

    private void onCommandAck(String id) {
        UUID commandId = commandId(id);
        if (commandId != null) {
            gateway.publish(new Notice(agent.projectId(), Notice.COMMAND_CHANGED, 1, commandId.toString()));
        }
    }

    /** Closes the command's lifecycle, whichever replica pushed it and in whichever later session. */
    private void onCommandResult(String id, Frame.CommandResult r, Instant now) {
        UUID commandId = commandId(id);
        if (commandId == null) {
            return;
        }
        String result = r.result() == null ? null : json(r.result());
        boolean success = "success".equals(r.status());
        String error = success ? null : (r.error() == null ? "agent reported failure" : r.error());
        gateway.directoryWrite(() -> {
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

    /** A claimed command for this socket (Slot): signed and sent in order with the acks. */
    @Override
    public void push(CommandStore.Command c) {
        Outbox out = outbox;
        if (out == null) {
            return;
        }
        Map<String, Object> target = new java.util.LinkedHashMap<>(jsonObject(c.targetJson()));
        Map<String, Object> parameters = jsonObject(c.parametersJson());
        if (!target.containsKey("engine") && parameters.get("engine") instanceof String engine) {
            target.put("engine", engine); // multi-engine agents route by target.engine (docs/PROTOCOL.md 9.1)
        }
        long timeout = Math.max(1, Math.min(3600, c.timeoutSeconds())); // older agents reject > 3600
        out.enqueue(Frame.outbound(c.id().toString(),
                new Frame.Command(c.action(), target, parameters, timeout, c.issuedBy())));
    }

    @Override
    public Instant connectedAt() {
        return connectedAt;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        Object v = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    /** Called by the persister after commit (AckTarget): must not block. */
    @Override
    public void ack(String batchId, int received, int accepted, int rejected) {
        int copies = batches.commit(batchId, new BatchTracker.Counts(received, accepted, rejected));
        sendAck(batchId, received, accepted, rejected);
        for (int i = 0; i < copies; i++) {
            sendAck(batchId, received, 0, received); // copies were duplicates of the first
        }
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
        if (state == State.CLOSED) {
            return;
        }
        metrics.closed(code);
        cleanup();
        try {
            // Close reasons are limited to 123 bytes on the wire.
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            session.close(code, r.length <= 120 ? reason : new String(r, 0, 120, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    private void cleanup() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        metrics.socketClosed();
        gateway.untrack(this);
        if (outbox != null) {
            outbox.close();
        }
        if (agent != null && registered) {
            gateway.registry().unregister(agent.id(), workerId, this);
            gateway.publish(new Notice(agent.projectId(), Notice.AGENT_CHANGED, 1, agent.id().toString()));
            Instant since = connectedAt;
            gateway.directoryWrite(() ->
                    gateway.directory().workerDisconnected(agent.id(), workerId, since, Instant.now()));
        }
    }

    /** Called by the gateway's watchdog: hello timeout and idle timeout. */
    void checkTimeouts(long nowNanos) {
        if (state == State.AWAITING_HELLO && nowNanos - openedNanos > config.helloTimeout().toNanos()) {
            metrics.frameRejected("hello_timeout");
            close(CloseCodes.IDLE, "no hello within " + config.helloTimeout().toSeconds() + " s");
        } else if (state == State.OPEN && nowNanos - lastMessageNanos > config.idleTimeout().toNanos()) {
            close(CloseCodes.IDLE, "idle for " + config.idleTimeout().toSeconds() + " s");
        }
    }

    boolean isOpen() {
        return state != State.CLOSED;
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

    /** Graceful shutdown (after the pipeline drained): deliver the last acks, then 1001. */
    void goingAway() {
        Outbox out = outbox;
        if (out != null) {
            out.awaitFlushed(java.time.Duration.ofSeconds(5));
        }
        close(CloseCodes.GOING_AWAY, "brain shutting down");
    }
}
