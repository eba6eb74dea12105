package dev.z4j.brain.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The --report JSON: options, timestamps, counters, and latency percentiles keyed by mode. */
final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunReport() {}

    static ObjectNode toJson(RunResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tool", "z4j-loadgen");
        root.put("run_id", r.runId());
        root.put("ok", r.ok());
        root.put("started_at", r.startedAt().toString());
        root.put("load_ended_at", r.loadEndedAt().toString());
        root.put("finished_at", r.finishedAt().toString());
        root.put("load_seconds", Duration.between(r.startedAt(), r.loadEndedAt()).toMillis() / 1000.0);

        Options o = r.options();
        ObjectNode opts = root.putObject("options");
        opts.put("url", o.wsUrl().toString());
        opts.put("project", o.project());
        opts.put("agents", o.agents());
        opts.put("workers", o.workers());
        opts.put("connections", o.connections());
        opts.put("mode", o.mode().wire());
        opts.put("shape", o.shape().wire());
        opts.put("rate", o.rate());
        opts.put("batch_size", o.batchSize());
        opts.put("window", o.window());
        opts.put("duration_seconds", o.duration().toMillis() / 1000.0);
        opts.put("drain_seconds", o.drain().toMillis() / 1000.0);
        if (o.mode() == Mode.RAMP) {
            opts.put("ramp_to", o.rampTo());
            opts.put("ramp_step", o.rampStep());
            opts.put("ramp_interval_seconds", o.rampInterval().toMillis() / 1000.0);
        }
        if (o.shape() == Shape.ASYNCIO_AGENT) {
            opts.put("frame_cost_us", o.frameCost().toNanos() / 1000.0);
        }
        ArrayNode sources = opts.putArray("source_addresses");
        o.sourceAddresses().forEach(a -> sources.add(a.getHostAddress()));
        ObjectNode given = opts.putObject("command_line");
        o.raw().forEach(given::put);

        ObjectNode counters = root.putObject("counters");
        r.counters().forEach(counters::put);

        ObjectNode modes = root.putObject("modes");
        ObjectNode mode = modes.putObject(o.mode().wire());
        percentiles(mode.putObject("ack_latency_ms"), r.ackLatency());
        percentiles(mode.putObject("command_rtt_ms"), r.commandRtt());
        if (o.mode() == Mode.RAMP) {
            ObjectNode ramp = mode.putObject("ramp");
            ArrayNode steps = ramp.putArray("steps");
            for (RampTracker.Step s : r.rampSteps()) {
                ObjectNode n = steps.addObject();
                n.put("target_ev_s", s.targetRate());
                n.put("seconds", s.seconds());
                n.put("sent_ev_s", s.sentRate());
                n.put("acked_ev_s", s.ackedRate());
                n.put("ack_p99_ms", s.ackP99Ms());
                n.put("saturation", s.saturation());
            }
            if (r.saturatedAt() == null) {
                ramp.putNull("saturated_at_ev_s");
            } else {
                ramp.put("saturated_at_ev_s", r.saturatedAt().targetRate());
            }
        }
        if (o.shape() == Shape.ASYNCIO_AGENT) {
            ArrayNode table = root.putArray("agents");
            for (AsyncioAgentStats.Snapshot a : r.agentTable()) {
                ObjectNode n = table.addObject();
                n.put("name", a.name());
                n.put("agent_id", a.agentId());
                n.put("emitted", a.emitted());
                n.put("confirmed", a.confirmed());
                n.put("buffered", a.buffered());
                n.put("evicted", a.evicted());
                n.put("first_sends", a.firstSends());
                n.put("frames_sent", a.framesSent());
                n.put("copies", a.copies());
                n.put("acks_processed", a.acksProcessed());
                n.put("first_ack_ms", a.firstAckMillis());
                n.put("write_suspensions", a.writeSuspensions());
                n.put("idle_sleeps", a.idleSleeps());
                n.put("heartbeats_sent", a.heartbeatsSent());
                n.put("bytes_sent", a.bytesSent());
                n.put("sessions", a.sessions());
                n.put("verify_failures", a.verifyFailures());
                n.put("legacy_mode", a.legacyMode());
                n.put("last_disconnect", a.lastDisconnect());
            }
        }
        ArrayNode failures = root.putArray("failures");
        r.failures().forEach(failures::add);
        ArrayNode samples = root.putArray("error_samples");
        r.errorSamples().forEach(samples::add);
        return root;
    }

    static void write(Path file, RunResult r) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), toJson(r));
    }

    private static void percentiles(ObjectNode n, Percentiles p) {
        n.put("count", p.count());
        n.put("p50", p.p50());
        n.put("p90", p.p90());
        n.put("p99", p.p99());
        n.put("p999", p.p999());
        n.put("max", p.max());
        n.put("mean", p.mean());
    }
}
