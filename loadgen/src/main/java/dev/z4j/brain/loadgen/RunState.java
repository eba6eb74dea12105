package dev.z4j.brain.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/** What every connection of a run shares: where to go, the phase, the rate schedule, the metrics. */
final class RunState {
    enum Phase { RUN, DRAIN, STOP }

    static final int CONNECT_CONCURRENCY = 64;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    final Options options;
    final String runId;
    final URI url;
    final Metrics metrics = new Metrics();
    final Semaphore connecting = new Semaphore(CONNECT_CONCURRENCY);
    final RateSchedule schedule;
    final long startNanos;
    private volatile Phase phase = Phase.RUN;

    RunState(Options options, String runId, long startNanos) {
        this.options = options;
        this.runId = runId;
        this.url = options.wsUrl();
        this.schedule = RateSchedule.of(options);
        this.startNanos = startNanos;
    }

    Phase phase() {
        return phase;
    }

    void phase(Phase p) {
        phase = p;
    }

    /** One connection's share of the scheduled total rate right now. */
    double perConnectionRate() {
        return Pacer.perConnection(schedule.totalRate(System.nanoTime() - startNanos), options.connections());
    }

    boolean sendsEvents() {
        return options.mode() != Mode.IDLE && (options.mode() != Mode.ECHO || options.rate() > 0);
    }

    Duration passInterval() {
        return options.mode() == Mode.IDLE ? Duration.ofMillis(500) : Duration.ofMillis(50); // z4j-bare idle sleep
    }
}
