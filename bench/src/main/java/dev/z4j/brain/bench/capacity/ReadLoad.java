package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Concurrent operator readers: each virtual thread sends the mix's requests one after another
 * (closed loop: a reader waits for its answer before the next request, so a slow answer delays
 * the next one rather than piling up), round-robin over the endpoints, for a fixed time. Each
 * request's latency, from before it is sent until its whole body has arrived, goes into a
 * histogram per endpoint (one per reader, merged at the end: no lock on the hot path).
 *
 * <p>Or paced ({@link #runPaced}): requests sent at a fixed rate whatever the answers do (open
 * loop, as many operators' browsers send them), each timed from when it was due, so a stalled
 * server shows as latency instead of slowing the load down (no coordinated omission).
 */
final class ReadLoad {
    /** One kind of request; {@code path} gives the next concrete path (a random task, say). */
    record Endpoint(String name, String group, Supplier<String> path) {}

    /** The merged latencies of one endpoint, in microseconds. */
    record Figures(String name, String group, long count, long errors, double p50Ms, double p99Ms, double maxMs) {}

    /** Statuses other than 200 of the last run, counted, and one body of each ("the brain said why"). */
    private final Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private final Map<Integer, String> refusalBody = new ConcurrentHashMap<>();
    /** The last paced run's slow answers by second, see {@link #takeSlowSeconds}. */
    private volatile String slowSeconds = "";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminKey;

    ReadLoad(int port, String adminKey) {
        this.base = "http://127.0.0.1:" + port + "/api/v1";
        this.adminKey = adminKey;
    }

    /** GET, returning the body; fails unless 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey).GET().build();
    }

    /** Runs {@code readers} readers over {@code mix} for {@code duration} after {@code warmup}. */
    List<Figures> run(List<Endpoint> mix, int readers, Duration warmup, Duration duration) throws Exception {
        List<Map<String, Histogram>> perReader = new ArrayList<>();
        List<Map<String, long[]>> errorsPerReader = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long stopAt = measureFrom + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            Map<String, Histogram> hist = new LinkedHashMap<>();
            Map<String, long[]> errors = new LinkedHashMap<>();
            for (Endpoint e : mix) {
                hist.put(e.name(), new Histogram(60_000_000L, 3));
                errors.put(e.name(), new long[1]);
            }
            perReader.add(hist);
            errorsPerReader.add(errors);
            int offset = i * mix.size() / readers; // readers start at different endpoints
            threads.add(Thread.ofVirtual().name("reader-" + i).start(() -> {
                try {
                    int n = offset + ThreadLocalRandom.current().nextInt(mix.size());
                    while (System.nanoTime() < stopAt) {
                        Endpoint e = mix.get(n++ % mix.size());
                        HttpRequest req = request(e.path().get());
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        long t1 = System.nanoTime();
                        if (t0 < measureFrom) {
                            continue;
                        }
                        if (r.statusCode() != 200) {
                            refused(r);
                            errors.get(e.name())[0]++;
                        } else {
                            hist.get(e.name()).recordValue(Math.max(1, (t1 - t0) / 1000));
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a reader failed: " + failure.get(), failure.get());
        }
        return figures(mix, perReader, errorsPerReader);
    }

    /**
     * Sends {@code perSecond} requests a second, round-robin over {@code mix}, for {@code duration}
     * after {@code warmup}, each on its own virtual thread, and times each from the moment it was due.
     */
    List<Figures> runPaced(List<Endpoint> mix, double perSecond, Duration warmup, Duration duration, long slowMs)
            throws Exception {
        // when in the measured time the slow answers were due: a stall shows as a run of seconds, a
        // busy machine as slow answers spread thinly over the whole round
        int seconds = (int) Math.ceilDiv(duration.toMillis(), 1000); // a request due at stopAt is not sent
        AtomicIntegerArray slowBySecond = new AtomicIntegerArray(seconds);
        AtomicLongArray maxBySecond = new AtomicLongArray(seconds);
        Map<String, Histogram> hist = new LinkedHashMap<>();
        Map<String, LongAdder> errors = new LinkedHashMap<>();
        for (Endpoint e : mix) {
            hist.put(e.name(), new ConcurrentHistogram(60_000_000L, 3));
            errors.put(e.name(), new LongAdder());
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long stopAt = measureFrom + duration.toNanos();
        double interval = 1e9 / perSecond;
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; ; i++) {
                long due = start + Math.round(i * interval);
                if (due >= stopAt || failure.get() != null) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Endpoint e = mix.get((int) (i % mix.size()));
                senders.execute(() -> {
                    try {
                        HttpResponse<byte[]> r = http.send(request(e.path().get()), HttpResponse.BodyHandlers.ofByteArray());
                        long done = System.nanoTime();
                        if (due < measureFrom) {
                            return;
                        }
                        if (r.statusCode() != 200) {
                            refused(r);
                            errors.get(e.name()).increment();
                        } else {
                            long micros = Math.max(1, (done - due) / 1000);
                            hist.get(e.name()).recordValue(micros);
                            int second = (int) ((due - measureFrom) / 1_000_000_000L);
                            maxBySecond.accumulateAndGet(second, micros, Math::max);
                            if (micros > slowMs * 1000) {
                                slowBySecond.incrementAndGet(second);
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                });
            }
        } // close() waits for the requests still in flight
        if (failure.get() != null) {
            throw new IllegalStateException("a paced request failed: " + failure.get(), failure.get());
        }
        slowSeconds = slowSeconds(slowBySecond, maxBySecond, slowMs);
        Map<String, long[]> errorCounts = new LinkedHashMap<>();
        errors.forEach((name, n) -> errorCounts.put(name, new long[] {n.sum()}));
        return figures(mix, List.of(hist), List.of(errorCounts));
    }

    /** E.g. "2 over 50 ms in 3 of 60 s: s0 1 (max 412 ms), s7 1 (max 63 ms)"; "none over 50 ms" if so. */
    static String slowSeconds(AtomicIntegerArray slow, AtomicLongArray max, long slowMs) {
        StringBuilder t = new StringBuilder();
        int total = 0;
        int secondsWithSlow = 0;
        for (int s = 0; s < slow.length(); s++) {
            if (slow.get(s) > 0) {
                total += slow.get(s);
                secondsWithSlow++;
                t.append(t.isEmpty() ? "" : ", ").append('s').append(s).append(' ').append(slow.get(s))
                        .append(" (max ").append(max.get(s) / 1000).append(" ms)");
            }
        }
        if (total == 0) {
            return "none over " + slowMs + " ms";
        }
        return total + " over " + slowMs + " ms in " + secondsWithSlow + " of " + slow.length() + " s: " + t;
    }

    /** The last paced run's answers over its slow bound by second of the measured time (then forgotten). */
    String takeSlowSeconds() {
        String s = slowSeconds;
        slowSeconds = "";
        return s;
    }

    private void refused(HttpResponse<byte[]> r) {
        refused.computeIfAbsent(r.statusCode(), c -> new LongAdder()).increment();
        refusalBody.computeIfAbsent(r.statusCode(), c -> {
            String body = new String(r.body(), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
            return body.length() > 200 ? body.substring(0, 200) + "..." : body;
        });
    }

    /** The statuses other than 200 since the last call, e.g. {@code 503 x12 ({"detail": ...})}; empty if none. */
    String takeRefusals() {
        StringBuilder t = new StringBuilder();
        new TreeMap<>(refused).forEach((code, n) -> t.append(t.isEmpty() ? "" : "; ").append(code).append(" x")
                .append(n.sum()).append(" (").append(refusalBody.get(code)).append(')'));
        refused.clear();
        refusalBody.clear();
        return t.toString();
    }

    private static List<Figures> figures(List<Endpoint> mix, List<Map<String, Histogram>> perReader,
                                         List<Map<String, long[]>> errorsPerReader) {
        List<Figures> out = new ArrayList<>();
        int readers = perReader.size();
        for (Endpoint e : mix) {
            Histogram all = new Histogram(60_000_000L, 3);
            long errors = 0;
            for (int i = 0; i < readers; i++) {
                all.add(perReader.get(i).get(e.name()));
                errors += errorsPerReader.get(i).get(e.name())[0];
            }
            out.add(new Figures(e.name(), e.group(), all.getTotalCount(), errors,
                    all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0,
                    all.getMaxValue() / 1000.0));
        }
        return out;
    }
}
