package dev.z4j.brain.loadgen;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.Timestamps;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** The heartbeat + agent_status pair a z4j-bare Celery agent sends every heartbeat interval. */
final class StatusFrames {
    static final String AGENT_VERSION = "1.6.7";

    private StatusFrames() {}

    static Frame heartbeat(long bufferDepth, Instant lastFlushAt, RandomGenerator random) {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("celery.workers", "1");
        health.put("celery.queue_depths", "{\"default\": " + bufferDepth + "}");
        return Frame.outbound("hb_" + hex12(random), new Frame.Heartbeat(bufferDepth,
                lastFlushAt == null ? null : Timestamps.format(lastFlushAt), 0, health));
    }

    static Frame agentStatus(Instant connectedAt, double sessionAgeSeconds, long bufferDepth, RandomGenerator random) {
        return Frame.outbound("as_" + hex12(random), new Frame.AgentStatus(0, 0, 0, Timestamps.format(connectedAt),
                sessionAgeSeconds, bufferDepth, null, AGENT_VERSION, "2", List.of("celery"), List.of()));
    }

    private static String hex12(RandomGenerator random) {
        return HexFormat.of().toHexDigits(random.nextLong()).substring(4);
    }
}
