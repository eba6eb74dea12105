package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.api.Need;
import dev.z4j.brain.ingress.api.Route;
import dev.z4j.brain.ingress.api.Tag;
import dev.z4j.brain.pipeline.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * {@code GET /api/v1/system/pipeline}: this replica's ingest pipeline as the dashboard's pipeline
 * page draws it, read from the Micrometer registry (the numbers /metrics shows, as JSON): counters
 * and cumulative latency histograms since start, from which the page takes rates and percentiles
 * over its own sampling interval. Global admins, browser sessions (no key scope reaches it).
 */
final class PipelineStats {
    static final String PATH = "/system/pipeline";

    private final MeterRegistry meters;
    private final int ringSize; // of each writer's ring; the gauge is the fullest one's free slots
    private final IntSupplier dashboards;
    private final Clock clock;

    PipelineStats(MeterRegistry meters, int ringSize, IntSupplier dashboards, Clock clock) {
        this.meters = meters;
        this.ringSize = ringSize;
        this.dashboards = dashboards;
        this.clock = clock;
    }

    Route route() {
        return Route.get(PATH, Tag.SYSTEM, Need.GLOBAL_ADMIN)
                .summary("This replica's ingest pipeline: event counters, ring, sockets, resends, ack latency and "
                        + "database write histograms (cumulative since start; the dashboard's pipeline page)")
                .handle(call -> snapshot());
    }

    Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", clock.instant().toString());
        out.put("ring", Map.of("size", ringSize, "remaining", (long) gauge(PipelineMetrics.RING_REMAINING)));
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("received", counter("z4j_events_received_total"));
        events.put("stored", counter(PipelineMetrics.EVENTS_ACCEPTED));
        events.put("duplicate", counter(PipelineMetrics.EVENTS_DUPLICATE));
        events.put("rejected", counter(PipelineMetrics.EVENTS_REJECTED));
        out.put("events", events);
        Map<String, Long> resent = new LinkedHashMap<>();
        for (Counter c : meters.find("z4j_batches_resent_total").counters()) {
            String outcome = c.getId().getTag("outcome");
            resent.merge(outcome == null ? "" : outcome, (long) c.count(), Long::sum);
        }
        out.put("batches_resent", resent);
        Map<String, Object> sockets = new LinkedHashMap<>();
        sockets.put("agent_sockets", (long) gauge("z4j_agent_connections"));
        sockets.put("agents", (long) gauge("z4j_agents_connected"));
        sockets.put("dashboards", dashboards.getAsInt());
        out.put("sockets", sockets);
        out.put("ack_latency_seconds", histogram(PipelineMetrics.ACK_LATENCY_SECONDS));
        out.put("commit_seconds", histogram(PipelineMetrics.COMMIT_SECONDS));
        return out;
    }

    private long counter(String name) {
        return (long) meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double gauge(String name) {
        Gauge g = meters.find(name).gauge();
        return g == null ? 0 : g.value();
    }

    /** count, sum and the cumulative buckets {le (seconds), count}; empty when the timer does not exist. */
    private Map<String, Object> histogram(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        Timer t = meters.find(name).timer();
        List<Map<String, Object>> buckets = new ArrayList<>();
        if (t == null) {
            out.put("count", 0L);
            out.put("sum", 0.0);
        } else {
            HistogramSnapshot s = t.takeSnapshot();
            out.put("count", s.count());
            out.put("sum", s.total(TimeUnit.SECONDS));
            for (CountAtBucket b : s.histogramCounts()) {
                buckets.add(Map.of("le", b.bucket(TimeUnit.SECONDS), "count", (long) b.count()));
            }
        }
        out.put("buckets", buckets);
        return out;
    }
}
