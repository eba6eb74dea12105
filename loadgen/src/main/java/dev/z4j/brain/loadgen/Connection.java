package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import dev.z4j.brain.protocol.Timestamps;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** One simulated worker: connect, hello, hello_ack, then the session loop until the run stops. Runs on a virtual thread. */
final class Connection implements Runnable {
    static final int OUTBOX_CAPACITY = 10_000;
    static final Duration LINGER = Duration.ofMillis(100);
    static final Duration ACK_OVERDUE = Duration.ofSeconds(10);

    private final RunState run;
    private final AgentCredentials agent;
    private final String workerId;
    private final HttpClient client;
    private final Metrics metrics;

    Connection(RunState run, AgentCredentials agent, String workerId, HttpClient client) {
        this.run = run;
        this.agent = agent;
        this.workerId = workerId;
        this.client = client;
        this.metrics = run.metrics;
    }

    @Override
    public void run() {
        WsLink link = null;
        Frame.HelloAck ack;
        try {
            run.connecting.acquire();
            try {
                link = WsLink.open(client, run.url, agent.token(), RunState.HANDSHAKE_TIMEOUT);
                ack = handshake(link);
            } finally {
                run.connecting.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException | RuntimeException e) {
            metrics.handshakeFailures.increment();
            metrics.error(workerId + ": handshake failed: " + e.getMessage());
            if (link != null) {
                link.close();
            }
            return;
        }
        metrics.connectionsOpen.incrementAndGet();
        metrics.connectionsEverOpened.incrementAndGet();
        try {
            loop(link, session(link, ack));
        } finally {
            metrics.connectionsOpen.decrementAndGet();
            link.close();
        }
    }

    private Frame.HelloAck handshake(WsLink link) throws IOException, InterruptedException {
        link.send(FrameSigner.unsigned(new Frame(FrameType.HELLO, "hello_" + hex(16), null, null, null, null,
                new Frame.Hello("2", "1.6.7", "bare", List.of("celery"), List.of(),
                        Map.of("celery", List.of("cancel_task", "retry_task")), Map.of("name", "loadgen-" + run.runId),
                        workerId, "task", ProcessHandle.current().pid(), Timestamps.format(Instant.now())))));
        byte[] first = link.inbound.poll(RunState.HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            throw new IOException("no hello_ack within " + RunState.HANDSHAKE_TIMEOUT.toSeconds() + " s");
        }
        if (first == WsLink.CLOSED) {
            throw new IOException(link.closeReason() + " before hello_ack");
        }
        Frame f = FrameVerifier.parseUnsigned(first);
        if (!(f.payload() instanceof Frame.HelloAck h)) {
            throw new IOException("first brain frame was " + f.type().wire() + ", not hello_ack");
        }
        if (!"2".equals(h.protocolVersion())) {
            throw new IOException("hello_ack protocol_version " + h.protocolVersion() + ", expected 2");
        }
        return h;
    }

    private AgentSession session(WsLink link, Frame.HelloAck ack) {
        byte[] secret = Secrets.decodeAgentHmacSecret(agent.hmacSecret());
        SessionBinding binding = new SessionBinding(ack.agentId(), ack.projectId(), ack.sessionId());
        SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        Outbox outbox = null;
        if (run.sendsEvents()) {
            Options o = run.options;
            outbox = o.shape() == Shape.AGENT
                    ? new AgentShapeOutbox(random, OUTBOX_CAPACITY)
                    : new BatchedOutbox(random, o.batchSize(), o.window(), OUTBOX_CAPACITY, LINGER.toNanos(),
                            ACK_OVERDUE.toNanos());
        }
        long now = System.nanoTime();
        return new AgentSession(new FrameSigner(secret, binding), new FrameVerifier(secret, binding,
                ReplayGuard.systemClock()), outbox, new TaskEventSource(Clock.systemUTC(), random,
                "celery@" + workerId), new Pacer(now), run::perConnectionRate, metrics, link,
                Duration.ofSeconds(ack.heartbeatIntervalSeconds()), now, Clock.systemUTC());
    }

    private void loop(WsLink link, AgentSession session) {
        long interval = run.passInterval().toNanos();
        long nextPass = System.nanoTime();
        try {
            while (true) {
                RunState.Phase phase = run.phase();
                if (phase == RunState.Phase.STOP) {
                    return;
                }
                long now = System.nanoTime();
                if (now - nextPass >= 0) {
                    session.pass(now, phase == RunState.Phase.RUN);
                    nextPass = now + interval;
                }
                byte[] msg = link.inbound.poll(Math.max(0, nextPass - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (msg == WsLink.CLOSED) {
                    if (run.phase() != RunState.Phase.STOP) {
                        metrics.unexpectedCloses.increment();
                        metrics.error(workerId + ": " + link.closeReason());
                    }
                    return;
                }
                if (msg != null) {
                    session.onMessage(msg, System.nanoTime());
                }
            }
        } catch (AgentSession.SessionFailure e) {
            metrics.error(workerId + ": " + e.getMessage());
        } catch (IOException e) {
            if (run.phase() != RunState.Phase.STOP) {
                metrics.otherErrors.increment();
                metrics.error(workerId + ": " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            metrics.otherErrors.increment();
            metrics.error(workerId + ": unexpected " + e);
        }
    }

    private static String hex(int n) {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(16 - n);
    }
}
