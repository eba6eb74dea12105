package dev.z4j.brain.loadgen;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/** One run: agents, connections, the per-second progress line, the drain, the summary and the verdict. */
final class LoadGen {
    private static final long TICK_NANOS = 1_000_000_000L;

    private final Options options;
    private final PrintStream out;

    LoadGen(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    RunResult run() throws Exception {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        List<AgentCredentials> agents = agents(runId);

        List<HttpClient> clients = new ArrayList<>();
        List<InetAddress> sources = options.sourceAddresses().isEmpty()
                ? java.util.Collections.singletonList(null) : options.sourceAddresses();
        for (InetAddress source : sources) {
            HttpClient.Builder b = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(RunState.HANDSHAKE_TIMEOUT);
            if (source != null) {
                b.localAddress(source);
            }
            clients.add(b.build());
        }

        Instant startedAt = Instant.now();
        RunState run = new RunState(options, runId, System.nanoTime());
        Metrics m = run.metrics;
        out.printf("z4j-loadgen run %s: %d agents x %d workers = %d connections to %s, mode=%s shape=%s rate=%s ev/s%s%n",
                runId, options.agents(), options.workers(), options.connections(), options.wsUrl(),
                options.mode().wire(), options.shape().wire(), fmtRate(options.rate()),
                options.shape() == Shape.ASYNCIO_AGENT
                        ? " frame-cost=" + options.frameCost().toNanos() / 1000 + "us" : "");
        List<Thread> threads = new ArrayList<>(options.connections());
        AsyncioAgents fleet = null;
        if (options.shape() == Shape.ASYNCIO_AGENT) {
            fleet = AsyncioAgents.start(asyncioSettings(run, agents), m);
        } else {
            int c = 0;
            for (int a = 0; a < options.agents(); a++) {
                for (int w = 0; w < options.workers(); w++) {
                    String workerId = "loadgen-" + runId + "-a" + a + "-w" + w;
                    Connection conn = new Connection(run, agents.get(a), workerId, clients.get(c++ % clients.size()));
                    threads.add(Thread.ofVirtual().name(workerId).start(conn));
                }
            }
        }

        Histogram ackTotal = new Histogram(Metrics.MAX_LATENCY_MICROS, 3);
        Histogram cmdTotal = new Histogram(Metrics.MAX_LATENCY_MICROS, 3);
        RampTracker ramp = new RampTracker(run.schedule);
        Ticker ticker = new Ticker(run, ackTotal, cmdTotal, ramp, fleet);

        long loadEnd = run.startNanos + options.duration().toNanos();
        while (System.nanoTime() - loadEnd < 0) {
            ticker.tickAt(Math.min(ticker.nextTick(), loadEnd));
        }
        Instant loadEndedAt = Instant.now();
        if (options.mode() == Mode.RAMP) {
            RampTracker.Step last = ramp.finish();
            if (last != null) {
                printStep(last);
            }
        }

        run.phase(RunState.Phase.DRAIN);
        long drainEnd = System.nanoTime() + options.drain().toNanos();
        if (run.sendsEvents()) {
            out.printf("load stopped; draining up to %ds for %d un-acked events%n", options.drain().toSeconds(),
                    m.unackedEvents() + m.eventsQueued.sum());
            while (System.nanoTime() - drainEnd < 0 && m.unackedEvents() + m.eventsQueued.sum() > 0
                    && m.connectionsOpen.get() > 0) {
                ticker.tickAt(Math.min(System.nanoTime() + 200_000_000L, drainEnd));
            }
        }
        ticker.collect();
        long unackedAtEnd = m.unackedEvents();
        long queuedAtEnd = m.eventsQueued.sum();
        int openAtEnd = m.connectionsOpen.get();
        List<AsyncioAgentStats.Snapshot> agentTable = fleet == null ? List.of() : fleet.snapshot();
        run.phase(RunState.Phase.STOP);
        if (fleet != null) {
            fleet.close();
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(5));
        }

        List<String> failures = new ArrayList<>();
        if (unackedAtEnd > 0) {
            failures.add(unackedAtEnd + " events sent were never acked (after a drain of up to "
                    + options.drain().toSeconds() + " s)");
        }
        if (m.handshakeFailures.sum() > 0) {
            failures.add(m.handshakeFailures.sum() + " connections failed their handshake");
        }
        if (m.unexpectedCloses.sum() > 0) {
            failures.add(m.unexpectedCloses.sum() + " connections were closed by the brain");
        }
        if (m.verifyFailures.sum() > 0) {
            failures.add(m.verifyFailures.sum() + " brain frames failed verification");
        }
        if (m.otherErrors.sum() > 0) {
            failures.add(m.otherErrors.sum() + " connections failed with other errors");
        }
        Map<String, Long> counters = counters(m, unackedAtEnd, queuedAtEnd, openAtEnd);
        return new RunResult(runId, options, startedAt, loadEndedAt, Instant.now(), counters,
                Percentiles.of(ackTotal), Percentiles.of(cmdTotal), ramp.steps(), ramp.firstSaturated(),
                failures, m.errorMessages(), agentTable);
    }

    /** One simulated z4j-bare process per agent x worker; each produces its share of the scheduled rate. */
    private List<AsyncioAgent.Settings> asyncioSettings(RunState run, List<AgentCredentials> agents) {
        List<AsyncioAgent.Settings> settings = new ArrayList<>(options.connections());
        for (int a = 0; a < options.agents(); a++) {
            AgentCredentials cred = agents.get(a);
            for (int w = 0; w < options.workers(); w++) {
                String name = "loadgen-" + run.runId + "-a" + a + "-w" + w;
                settings.add(new AsyncioAgent.Settings(name, run.url, cred.token(), cred.hmacSecret(), name,
                        run.sendsEvents() ? run::perConnectionRate : () -> 0,
                        () -> run.phase() == RunState.Phase.RUN, options.frameCost().toNanos(),
                        AgentBuffer.DEFAULT_CAPACITY));
            }
        }
        return settings;
    }

    private List<AgentCredentials> agents(String runId) throws Exception {
        if (options.credentials() != null && Files.isRegularFile(options.credentials())) {
            List<AgentCredentials> read = CredentialsSource.readFile(options.credentials());
            if (read.size() < options.agents()) {
                throw new OptionsException("--credentials: " + options.credentials() + " holds " + read.size()
                        + " agents, --agents asks for " + options.agents());
            }
            out.printf("using %d agents from %s%n", options.agents(), options.credentials());
            return read.subList(0, options.agents());
        }
        long t0 = System.nanoTime();
        List<AgentCredentials> minted = CredentialsSource.mint(options.restBase(), options.adminKey(),
                options.project(), runId, options.agents());
        out.printf("minted %d agents in project %s in %d ms%n", minted.size(), options.project(),
                (System.nanoTime() - t0) / 1_000_000);
        if (options.credentials() != null) {
            CredentialsSource.writeFile(options.credentials(), minted);
            out.printf("wrote their credentials to %s%n", options.credentials());
        }
        return minted;
    }

    private static Map<String, Long> counters(Metrics m, long unacked, long queued, int open) {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("connections_opened", (long) m.connectionsEverOpened.get());
        c.put("connections_open_at_end", (long) open);
        c.put("events_generated", m.eventsGenerated.sum());
        c.put("events_skipped", m.eventsSkipped.sum());
        c.put("events_sent", m.eventsSent.sum());
        c.put("events_acked", m.eventsAcked.sum());
        c.put("events_unacked_at_end", unacked);
        c.put("events_queued_at_end", queued);
        c.put("frames_sent", m.framesSent.sum());
        c.put("frames_resent", m.framesResent.sum());
        c.put("bytes_sent", m.bytesSent.sum());
        c.put("acks_received", m.acksReceived.sum());
        c.put("acks_duplicate", m.duplicateAcks.sum());
        c.put("heartbeats_sent", m.heartbeatsSent.sum());
        c.put("agent_status_sent", m.agentStatusSent.sum());
        c.put("commands_received", m.commandsReceived.sum());
        c.put("commands_answered", m.commandsAnswered.sum());
        c.put("handshake_failures", m.handshakeFailures.sum());
        c.put("unexpected_closes", m.unexpectedCloses.sum());
        c.put("verify_failures", m.verifyFailures.sum());
        c.put("other_errors", m.otherErrors.sum());
        return c;
    }

    private void printStep(RampTracker.Step s) {
        out.printf("ramp step %d: target=%s ev/s sent=%.0f ev/s acked=%.0f ev/s ack p99=%.1fms%s%n", s.index(),
                fmtRate(s.targetRate()), s.sentRate(), s.ackedRate(), s.ackP99Ms(),
                s.saturated() ? "  SATURATED: " + s.saturation() : "");
    }

    static String fmtRate(double r) {
        return r == Math.rint(r) ? Long.toString((long) r) : String.format("%.1f", r);
    }

    /** Once a second: collect interval histograms, print the progress line, feed the ramp tracker. */
    private final class Ticker {
        private final RunState run;
        private final Metrics m;
        private final Histogram ackTotal;
        private final Histogram cmdTotal;
        private final RampTracker ramp;
        private final AsyncioAgents fleet;
        private Histogram ackInterval;
        private Histogram cmdInterval;
        private long lastTick;
        private long lastSent;
        private long lastAcked;
        private long lastFrames;
        private boolean saturationPrinted;

        Ticker(RunState run, Histogram ackTotal, Histogram cmdTotal, RampTracker ramp, AsyncioAgents fleet) {
            this.run = run;
            this.m = run.metrics;
            this.ackTotal = ackTotal;
            this.cmdTotal = cmdTotal;
            this.ramp = ramp;
            this.fleet = fleet;
            this.lastTick = run.startNanos;
        }

        long nextTick() {
            return lastTick + TICK_NANOS;
        }

        /** Sleeps until {@code at}; prints a line if a full second has passed. */
        void tickAt(long at) throws InterruptedException {
            long wait = at - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            long now = System.nanoTime();
            if (now - nextTick() >= 0) {
                line(now);
            }
        }

        void collect() {
            ackInterval = m.ackLatency.getIntervalHistogram(ackInterval);
            cmdInterval = m.commandRtt.getIntervalHistogram(cmdInterval);
            ackTotal.add(ackInterval);
            cmdTotal.add(cmdInterval);
        }

        private void line(long now) {
            collect();
            double secs = (now - lastTick) / 1e9;
            long sent = m.eventsSent.sum();
            long acked = m.eventsAcked.sum();
            long elapsed = now - run.startNanos;
            out.printf("t=%ds conn=%d/%d sent=%.0f ev/s acked=%.0f ev/s unacked=%d ack p50=%s p99=%s%s errors=%d%s%s%n",
                    elapsed / TICK_NANOS, m.connectionsOpen.get(), options.connections(), (sent - lastSent) / secs,
                    (acked - lastAcked) / secs, m.unackedEvents(), ms(ackInterval, 50), ms(ackInterval, 99),
                    cmdInterval.getTotalCount() > 0 ? " cmd p99=" + ms(cmdInterval, 99) : "", m.errors(),
                    fleet == null ? "" : agentsPart(secs),
                    run.phase() == RunState.Phase.DRAIN ? " (draining)" : "");
            if (options.mode() == Mode.RAMP && run.phase() == RunState.Phase.RUN) {
                // credit the tick to the step its midpoint fell in (a tick ending just past a boundary is mostly the old step)
                RampTracker.Step done = ramp.tick(elapsed - (now - lastTick) / 2, secs, sent - lastSent, acked - lastAcked, ackInterval);
                if (done != null) {
                    printStep(done);
                    if (done.saturated() && !saturationPrinted) {
                        saturationPrinted = true;
                        out.printf("ramp: the brain stopped keeping up at %s ev/s: %s%n", fmtRate(done.targetRate()),
                                done.saturation());
                    }
                }
            }
            lastTick = now;
            lastSent = sent;
            lastAcked = acked;
        }

        /** The agents' side, summed: what they produced, had confirmed, still hold, and re-send. */
        private String agentsPart(double secs) {
            AgentTotals t = AgentTotals.of(fleet.snapshot());
            String part = String.format(" | agents: emitted=%d confirmed=%d buffered=%d frames=%.0f/s copies=%d"
                    + " acks-read=%d suspended=%d", t.emitted(), t.confirmed(), t.buffered(),
                    (t.framesSent() - lastFrames) / secs, t.copies(), t.acksProcessed(), t.writeSuspensions());
            lastFrames = t.framesSent();
            return part;
        }

        private static String ms(Histogram h, double percentile) {
            if (h.getTotalCount() == 0) {
                return "-";
            }
            long micros = h.getValueAtPercentile(percentile);
            return micros >= 10_000 ? (micros / 1000) + "ms" : String.format("%.1fms", micros / 1000.0);
        }
    }
}
