package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir
    Path dir;

    private static RunResult result(Options o, List<RampTracker.Step> steps, List<String> failures) {
        Histogram h = new Histogram(Metrics.MAX_LATENCY_MICROS, 3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 100L); // 0.1 .. 100 ms
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("events_sent", 1000L);
        counters.put("events_acked", 1000L);
        return new RunResult("abc123", o, Instant.parse("2026-05-01T12:00:00Z"), Instant.parse("2026-05-01T12:00:30Z"),
                Instant.parse("2026-05-01T12:00:31Z"), counters, Percentiles.of(h),
                Percentiles.of(new Histogram(Metrics.MAX_LATENCY_MICROS, 3)), steps,
                steps.stream().filter(RampTracker.Step::saturated).findFirst().orElse(null), failures,
                List.of("w1: closed by the brain with 4408"), List.of());
    }

    @Test
    void steadyReportHasOptionsTimestampsCountersAndPercentilesPerMode() throws Exception {
        Options o = Options.parse("--url", "ws://127.0.0.1:7700", "--admin-key", "top-secret", "--agents", "20",
                "--workers", "2", "--rate", "2000", "--duration", "30s");
        Path file = dir.resolve("sub/report.json");
        RunReport.write(file, result(o, List.of(), List.of()));
        String text = Files.readString(file);
        assertThat(text).doesNotContain("top-secret");
        JsonNode r = new ObjectMapper().readTree(text);

        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(r.get("run_id").asText()).isEqualTo("abc123");
        assertThat(r.get("started_at").asText()).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(r.get("finished_at").asText()).isEqualTo("2026-05-01T12:00:31Z");
        assertThat(r.get("load_seconds").asDouble()).isEqualTo(30.0);
        assertThat(r.at("/options/connections").asInt()).isEqualTo(40);
        assertThat(r.at("/options/mode").asText()).isEqualTo("steady");
        assertThat(r.at("/options/shape").asText()).isEqualTo("agent");
        assertThat(r.at("/options/rate").asDouble()).isEqualTo(2000);
        assertThat(r.at("/options/command_line/--admin-key").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/counters/events_sent").asLong()).isEqualTo(1000);

        JsonNode ack = r.at("/modes/steady/ack_latency_ms");
        for (String k : List.of("count", "p50", "p90", "p99", "p999", "max")) {
            assertThat(ack.has(k)).as(k).isTrue();
        }
        assertThat(ack.get("count").asLong()).isEqualTo(1000);
        assertThat(ack.get("p50").asDouble()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(ack.get("p99").asDouble()).isCloseTo(99.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(ack.get("max").asDouble()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(r.at("/modes/steady/command_rtt_ms/count").asLong()).isZero();
        assertThat(r.at("/modes/steady/ramp").isMissingNode()).isTrue();
        assertThat(r.get("failures").isArray()).isTrue();
        assertThat(r.get("failures")).isEmpty();
        assertThat(r.get("error_samples").get(0).asText()).contains("4408");
    }

    @Test
    void asyncioAgentReportHasTheFrameCostAndOneEntryPerSimulatedProcess() {
        Options o = Options.parse("--url", "ws://127.0.0.1:7700", "--admin-key", "k", "--shape", "asyncio-agent",
                "--agents", "2");
        RunResult base = result(o, List.of(), List.of("2000 events sent were never acked"));
        List<AsyncioAgentStats.Snapshot> table = List.of(
                new AsyncioAgentStats.Snapshot("a0", "id-0", 1125, 0, 1125, 0, 500, 116_000, 0, -1, 0, 0, 0, 80_000_000,
                        1, 0, true, false, null),
                new AsyncioAgentStats.Snapshot("a1", "id-1", 1125, 3, 1122, 0, 503, 90_000, 4, 1200, 2, 0, 1, 60_000_000,
                        2, 1, true, false, "inbound frame verification failed: stale ts"));
        RunResult r = new RunResult(base.runId(), o, base.startedAt(), base.loadEndedAt(), base.finishedAt(),
                base.counters(), base.ackLatency(), base.commandRtt(), List.of(), null, base.failures(),
                base.errorSamples(), table);
        JsonNode j = RunReport.toJson(r);
        assertThat(j.at("/options/shape").asText()).isEqualTo("asyncio-agent");
        assertThat(j.at("/options/frame_cost_us").asDouble()).isEqualTo(400.0);
        assertThat(j.get("agents")).hasSize(2);
        assertThat(j.at("/agents/0/buffered").asLong()).isEqualTo(1125);
        assertThat(j.at("/agents/0/copies").asLong()).isEqualTo(115_500);
        assertThat(j.at("/agents/0/first_ack_ms").asLong()).isEqualTo(-1);
        assertThat(j.at("/agents/1/acks_processed").asLong()).isEqualTo(4);
        assertThat(j.at("/agents/1/last_disconnect").asText()).contains("stale ts");

        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String k : List.of("connections_opened", "handshake_failures", "unexpected_closes", "events_generated",
                "events_sent", "events_acked", "events_unacked_at_end", "events_queued_at_end", "events_skipped",
                "frames_sent", "frames_resent", "acks_received", "acks_duplicate", "bytes_sent", "heartbeats_sent",
                "agent_status_sent", "verify_failures", "other_errors")) {
            counters.put(k, 0L);
        }
        Summary.print(new RunResult(r.runId(), o, r.startedAt(), r.loadEndedAt(), r.finishedAt(), counters,
                r.ackLatency(), r.commandRtt(), List.of(), null, r.failures(), r.errorSamples(), table),
                new java.io.PrintStream(text, true));
        assertThat(text.toString()).contains("agent (asyncio model)").contains("total").containsPattern(
                "total\\s+2250\\s+3\\s+2247");
    }

    @Test
    void rampReportListsStepsAndTheSaturationRate() {
        Options o = Options.parse("--url", "ws://127.0.0.1:7700", "--admin-key", "k", "--mode", "ramp",
                "--rate", "100", "--ramp-to", "300", "--ramp-step", "100");
        List<RampTracker.Step> steps = List.of(
                new RampTracker.Step(0, 100, 10, 100, 100, 5, null),
                new RampTracker.Step(1, 200, 10, 200, 120, 1500, "ack p99 1500 ms > 1000 ms"));
        JsonNode r = RunReport.toJson(result(o, steps, List.of("3 events sent were never acked")));
        assertThat(r.get("ok").asBoolean()).isFalse();
        assertThat(r.get("failures").get(0).asText()).contains("never acked");
        assertThat(r.at("/modes/ramp/ramp/steps")).hasSize(2);
        assertThat(r.at("/modes/ramp/ramp/steps/1/saturation").asText()).startsWith("ack p99");
        assertThat(r.at("/modes/ramp/ramp/saturated_at_ev_s").asDouble()).isEqualTo(200);
        assertThat(r.at("/options/ramp_to").asDouble()).isEqualTo(300);
    }
}
