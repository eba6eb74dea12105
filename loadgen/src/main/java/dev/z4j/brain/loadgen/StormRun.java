package dev.z4j.brain.loadgen;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --mode storm}: every agent x worker socket starts connecting at the same instant (no
 * client-side pacing; credentials are read or minted before the clock starts), and the run says
 * how long until all of them were hello-acked. The sockets are then held with heartbeats for
 * {@code --duration}; if the brain goes away meanwhile (a restart), they reconnect with z4j-bare's
 * backoff and the run says when all were back. Progress lines have the {@code conn=N/M} of the
 * other modes. Exit 0 when every socket was hello-acked at least once.
 */
final class StormRun {
    private static final long TICK_NANOS = 1_000_000_000L;

    private final Options options;
    private final PrintStream out;
    private volatile boolean stopped;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger everAcked = new AtomicInteger();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampled = new AtomicInteger();

    StormRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the storm; returns the exit code. */
    int run() throws Exception {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        List<AgentCredentials> agents = credentials(runId);
        int total = options.connections();
        List<StormSocket> sockets = new ArrayList<>(total);
        for (int a = 0; a < options.agents(); a++) {
            for (int w = 0; w < options.workers(); w++) {
                sockets.add(new StormSocket(this, agents.get(a), "storm-" + runId + "-a" + a + "-w" + w));
            }
        }
        out.printf("z4j-loadgen storm %s: %d agents x %d workers = %d sockets to %s, all at once%n", runId,
                options.agents(), options.workers(), total, options.wsUrl());
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>(total);
        for (StormSocket s : sockets) {
            threads.add(Thread.ofVirtual().name("storm").start(s));
        }
        boolean allOnce = false;
        long dropStartedMillis = -1;
        long dropStartedNanos = 0;
        long attemptsAtDrop = 0;
        long end = start + options.duration().toNanos();
        long nextTick = start + TICK_NANOS;
        while (System.nanoTime() - end < 0) {
            Thread.sleep(Math.max(1, Math.min(50, (nextTick - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            int o = open.get();
            if (!allOnce && everAcked.get() == total) {
                allOnce = true;
                long[] ms = sockets.stream().mapToLong(s -> (s.firstAckedNanos - start) / 1_000_000).sorted().toArray();
                out.printf(Locale.ROOT, "storm: all %d hello-acked in %d ms (per socket p50 %d ms, p99 %d ms;"
                                + " %d upgrade attempts, %d failed)%n", total, ms[ms.length - 1], pct(ms, 50), pct(ms, 99),
                        attempts.sum(), failures.sum());
            }
            if (allOnce && dropStartedMillis < 0 && o < total) {
                dropStartedMillis = System.currentTimeMillis();
                dropStartedNanos = now;
                attemptsAtDrop = attempts.sum();
                out.printf("storm: sockets dropping at epoch_ms=%d (%d open)%n", dropStartedMillis, o);
            }
            if (dropStartedMillis >= 0 && o == total) {
                out.printf("storm: all %d reconnected at epoch_ms=%d, %d ms after the first drop"
                                + " (%d upgrade attempts since, %d failed in all)%n", total, System.currentTimeMillis(),
                        (now - dropStartedNanos) / 1_000_000, attempts.sum() - attemptsAtDrop, failures.sum());
                dropStartedMillis = -1;
            }
            if (now - nextTick >= 0) {
                out.printf("t=%ds conn=%d/%d acked-once=%d epoch_ms=%d attempts=%d failed=%d dropped=%d%n",
                        (now - start) / TICK_NANOS, o, total, everAcked.get(), System.currentTimeMillis(),
                        attempts.sum(), failures.sum(), drops.sum());
                nextTick += TICK_NANOS;
            }
        }
        stopped = true;
        sockets.forEach(StormSocket::stop);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(5));
        }
        out.printf("storm done: %d of %d sockets were hello-acked; %d upgrade attempts, %d failed, %d dropped%n",
                everAcked.get(), total, attempts.sum(), failures.sum(), drops.sum());
        errorSamples.forEach(e -> out.println("  error: " + e));
        return everAcked.get() == total ? 0 : 1;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private List<AgentCredentials> credentials(String runId) throws Exception {
        if (options.credentials() != null && Files.isRegularFile(options.credentials())) {
            List<AgentCredentials> read = CredentialsSource.readFile(options.credentials());
            if (read.size() < options.agents()) {
                throw new OptionsException("--credentials: " + options.credentials() + " holds " + read.size()
                        + " agents, --agents asks for " + options.agents());
            }
            return read.subList(0, options.agents());
        }
        long t0 = System.nanoTime();
        List<AgentCredentials> minted = CredentialsSource.mint(options.restBase(), options.adminKey(),
                options.project(), runId, options.agents());
        out.printf("minted %d agents in %d ms (before the storm)%n", minted.size(), (System.nanoTime() - t0) / 1_000_000);
        if (options.credentials() != null) {
            CredentialsSource.writeFile(options.credentials(), minted);
        }
        return minted;
    }

    // ------------------------------------------------------------------ for the sockets

    URI url() {
        return options.wsUrl();
    }

    boolean stopped() {
        return stopped;
    }

    void attempt() {
        attempts.increment();
    }

    void opened(StormSocket s) {
        open.incrementAndGet();
        if (s.firstAckedNanos == 0) {
            s.firstAckedNanos = System.nanoTime();
            everAcked.incrementAndGet();
        }
    }

    void closed() {
        open.decrementAndGet();
    }

    void failed(String error) {
        failures.increment();
        sample(error);
    }

    void dropped(String why) {
        drops.increment();
        sample("dropped: " + why);
    }

    private void sample(String error) {
        if (sampled.incrementAndGet() <= 5) {
            errorSamples.add(error);
        }
    }

    /** Backoff wait; ends early (within 200 ms) when the run stops. */
    void sleep(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        long left;
        while (!stopped && (left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Duration.ofNanos(Math.min(left, 200_000_000L)));
        }
    }
}
