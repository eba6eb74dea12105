package dev.z4j.brain.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.protocol.Timestamps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Cross-replica latencies on two brains sharing one PostgreSQL, with background ingest into B:
 * a command issued over REST on A until it arrives at an agent connected to B, and an event batch
 * sent by that agent on B until a dashboard subscribed on A gets the task.changed notice. The probe
 * agent lives in its own project so the background traffic's notices never answer a probe.
 */
final class ReplicaLatency {
    static final String PROBE_PROJECT = "probe";
    static final int COMMANDS = 200;
    static final int BATCHES = 100;
    private static final Duration WAIT = Duration.ofSeconds(5);

    /**
     * {@code commandRest}: of each command, the REST call on A alone (until its 202), which runs
     * every step on A's side (lookups, insert, NOTIFY); what {@code commands} adds is PostgreSQL's
     * delivery of the NOTIFY and B's claim and push.
     */
    record Result(Latencies commands, Latencies commandRest, Latencies notices, LoadGen.Result background) {}

    private ReplicaLatency() {}

    /** {@code tag} names this run's probe agent and background loadgen log (unique per run of one database). */
    static Result run(LoadGen loadgen, BrainNode a, BrainNode b, String adminKey, Path credentials,
                      List<String> backgroundShape, double backgroundRate, String tag) throws Exception {
        Rest restA = new Rest(a.port, adminKey);
        JsonNode creds = restA.post("/projects/" + PROBE_PROJECT + "/agents", "{\"name\":\"capacity-probe" + tag + "\"}",
                201);
        String label = "latency-background" + tag;

        List<String> args = new ArrayList<>(LoadGen.args(b.wsUrl(), adminKey, credentials, 20, 2, "steady"));
        args.addAll(backgroundShape);
        args.addAll(List.of("--rate", Long.toString(Math.round(backgroundRate)), "--duration", "45s", "--drain", "15s"));
        Process background = loadgen.startRun(label, args);
        LoadGen.awaitConnections(background, loadgen.logOf(label), 40, Duration.ofSeconds(30));
        Thread.sleep(3000); // let the background rate settle before probing

        Latencies[] commands;
        Latencies notices;
        try (DashboardProbe dashboard = new DashboardProbe(a.wsUrl(), adminKey, PROBE_PROJECT);
             ProbeAgent agent = ProbeAgent.connect(b.wsUrl(), creds.path("token").asText(),
                     creds.path("hmac_secret").asText(), "probe-worker")) {
            Thread.sleep(1000); // the agent's socket is registered and the dashboard subscribed
            commands = commands(restA, agent, creds.path("agent_id").asText());
            notices = notices(dashboard, agent);
            if (agent.error() != null) {
                throw new IllegalStateException("probe agent failed: " + agent.error());
            }
        }
        LoadGen.Result bg = loadgen.await(label, background, backgroundRate, Duration.ofSeconds(90));
        return new Result(commands[0], commands[1], notices, bg);
    }


    /** Until the agent has it, and the REST call alone. */
    private static Latencies[] commands(Rest restA, ProbeAgent agent, String agentId) throws Exception {
        List<Double> ms = new ArrayList<>();
        List<Double> rest = new ArrayList<>();
        int lost = 0;
        for (int i = 0; i < COMMANDS; i++) {
            String body = "{\"agent_id\":\"" + agentId + "\",\"action\":\"cancel_task\",\"target\":{\"type\":\"task\","
                    + "\"id\":\"celery:probe-" + i + "\"},\"parameters\":{\"engine\":\"celery\"}}";
            long t0 = System.nanoTime();
            restA.post("/projects/" + PROBE_PROJECT + "/commands", body, 202);
            rest.add((System.nanoTime() - t0) / 1e6);
            Long arrived = agent.nextCommandArrival(WAIT);
            if (arrived == null) {
                lost++;
            } else {
                ms.add((arrived - t0) / 1e6);
            }
            Thread.sleep(10);
        }
        return new Latencies[] {Latencies.of(ms, lost), Latencies.of(rest, 0)};
    }

    private static Latencies notices(DashboardProbe dashboard, ProbeAgent agent) throws Exception {
        List<Double> ms = new ArrayList<>();
        int lost = 0;
        for (int i = 0; i < BATCHES; i++) {
            Thread.sleep(120); // past the brain's 100 ms notice tick, so no earlier change is still pending
            dashboard.clear();
            List<Map<String, Object>> events = lifecycleStart(UUID.randomUUID().toString());
            long t0 = System.nanoTime();
            agent.sendBatch(events);
            Long arrived = dashboard.nextTaskNotice(WAIT);
            if (arrived == null) {
                lost++;
            } else {
                ms.add((arrived - t0) / 1e6);
            }
        }
        return Latencies.of(ms, lost);
    }

    /** task.received + task.started of a new task, as z4j-bare sends them. */
    private static List<Map<String, Object>> lifecycleStart(String taskId) {
        Instant now = Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String kind : List.of("task.received", "task.started")) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("task_name", "app.tasks.probe");
            data.put("queue", "default");
            data.put("worker", "celery@probe");
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", UUID.randomUUID().toString());
            e.put("kind", kind);
            e.put("engine", "celery");
            e.put("task_id", taskId);
            e.put("occurred_at", Timestamps.isoformatUtc(now));
            e.put("data", data);
            out.add(e);
        }
        return out;
    }
}
