package dev.z4j.brain.ingress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The gateway's counters and gauges (names are the /metrics contract). */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger sockets = new AtomicInteger();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry, Supplier<Number> connectedAgents) {
        this.registry = registry;
        Gauge.builder("z4j_agent_connections", sockets, AtomicInteger::get)
                .description("Open agent WebSockets (one per agent worker)").register(registry);
        Gauge.builder("z4j_agents_connected", connectedAgents)
                .description("Distinct agents with at least one open WebSocket").register(registry);
    }

    /** Agent-token lookups: what runs against the database now, the peak, the queue, the cache. */
    void watchAuth(BearerAuth auth) {
        Gauge.builder("z4j_agent_auth_lookups_in_flight", auth.gate(), LookupGate::inFlight)
                .description("Agent-token lookups running against the database now").register(registry);
        Gauge.builder("z4j_agent_auth_lookups_in_flight_peak", auth.gate(), LookupGate::peak)
                .description("Most agent-token lookups that ran at once since start (bounded by Z4J_AUTH_LOOKUPS)")
                .register(registry);
        Gauge.builder("z4j_agent_auth_lookups_waiting", auth.gate(), LookupGate::waiting)
                .description("Upgrades waiting for an agent-token lookup slot").register(registry);
        FunctionCounter.builder("z4j_agent_auth_lookups_total", auth, BearerAuth::lookups)
                .description("Agent-token lookups made against the database").register(registry);
        FunctionCounter.builder("z4j_agent_auth_cache_hits_total", auth, BearerAuth::cacheHits)
                .description("Agent upgrades authenticated from the token cache").register(registry);
        Gauge.builder("z4j_agent_auth_cache_entries", auth.cache(), TokenCache::size)
                .description("Agents held in the token cache").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void socketOpened() {
        sockets.incrementAndGet();
    }

    void socketClosed() {
        sockets.decrementAndGet();
    }

    void frameReceived(String type) {
        count("z4j_frames_received_total", "type", type);
    }

    /** A frame refused; {@code reason} is a bounded label (ProtocolException reasons, "oversize", ...). */
    void frameRejected(String reason) {
        count("z4j_frames_rejected_total", "reason", reason);
    }

    void eventsReceived(int n) {
        counter("z4j_events_received_total", "", "").increment(n);
    }

    /** Events refused by validation before reaching the pipeline. */
    void eventRejected(String reason) {
        count("z4j_events_rejected_total", "reason", reason);
    }

    void batchResent(String outcome) {
        count("z4j_batches_resent_total", "outcome", outcome);
    }

    /** The reader of an agent socket stopped reading for {@code nanos} (ResendBrake). */
    void readHeld(long nanos) {
        count("z4j_agent_read_holds_total", "", "");
        counter("z4j_agent_read_held_seconds_total", "", "").increment(nanos / 1e9);
    }

    /** What became of a command at this replica: pushed, released (socket gone), claim_failed, release_failed. */
    void commandDelivery(String outcome) {
        count("z4j_command_deliveries_total", "outcome", outcome);
    }

    void closed(int code) {
        count("z4j_agent_closes_total", "code", Integer.toString(code));
    }

    void authFailed(String reason) {
        count("z4j_agent_auth_failures_total", "reason", reason);
    }

    private void count(String name, String tag, String value) {
        counter(name, tag, value).increment();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '|' + value, k -> tag.isEmpty()
                ? Counter.builder(name).register(registry)
                : Counter.builder(name).tag(tag, value).register(registry));
    }
}
