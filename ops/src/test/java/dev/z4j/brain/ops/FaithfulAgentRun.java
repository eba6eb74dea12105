package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.loadgen.AsyncioAgentStats;
import dev.z4j.brain.loadgen.AsyncioAgents;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * z4j-bare agents as they really behave (loadgen's asyncio-agent model: one socket per process,
 * acks read only when a write would block or the buffer is empty) producing task events into a
 * real brain, plus what the brain made of them: rows stored per agent, and {@code agents_online}
 * sampled every 500 ms from the brain's stats.
 */
final class FaithfulAgentRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);

    /** One {@code agents_online} reading, and whether every agent had a session open at that moment. */
    record OnlineSample(long agentsOnline, boolean allConnected) {}

    private final BrainFixture brain;
    private final List<String> agentIds;
    private final AsyncioAgents agents;
    private final double eventsPerSecond; // the whole fleet's
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agents-online-sampler");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<OnlineSample> online = new ConcurrentLinkedQueue<>();

    private FaithfulAgentRun(BrainFixture brain, List<String> agentIds, AsyncioAgents agents, double eventsPerSecond) {
        this.brain = brain;
        this.eventsPerSecond = eventsPerSecond;
        this.agentIds = agentIds;
        this.agents = agents;
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Mints {@code count} agents and starts one simulated process each, each producing {@code eventsPerSecond}. */
    static FaithfulAgentRun start(BrainFixture brain, int count, double eventsPerSecond) throws Exception {
        List<AsyncioAgents.Identity> ids = new ArrayList<>();
        List<String> agentIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> res = brain.post("/api/v1/projects/default/agents",
                    "{\"name\":\"faithful-" + i + "\"}", brain.adminKey());
            if (res.statusCode() != 201) {
                throw new IllegalStateException("mint failed: " + res.statusCode() + " " + res.body());
            }
            JsonNode n = JSON.readTree(res.body());
            ids.add(new AsyncioAgents.Identity("faithful-" + i, n.get("token").asText(), n.get("hmac_secret").asText()));
            agentIds.add(n.get("agent_id").asText());
        }
        AsyncioAgents fleet = AsyncioAgents.start(URI.create("ws://127.0.0.1:" + brain.port() + "/ws/agent"), ids,
                eventsPerSecond, AsyncioAgents.DEFAULT_FRAME_COST);
        return new FaithfulAgentRun(brain, agentIds, fleet, count * eventsPerSecond);
    }

    /** Each agent's numbers, in mint order. */
    List<AsyncioAgentStats.Snapshot> agents() {
        return agents.snapshot();
    }

    /** Event rows the brain stored for each agent, in mint order. */
    List<Long> storedPerAgent() throws Exception {
        List<Long> out = new ArrayList<>();
        for (String id : agentIds) {
            out.add(brain.count("SELECT count(*) FROM events WHERE agent_id = '" + id + "'"));
        }
        return out;
    }

    long agentsOnline() throws Exception {
        return brain.stats().get("agents_online").asLong();
    }

    /**
     * Returns once the fleet produced {@code duration} worth of events at its rate (the agents keep
     * running meanwhile, stepping on the brain as they do).
     */
    void produceFor(Duration duration) {
        long target = (long) (eventsPerSecond * duration.toMillis() / 1000.0);
        await("the agents produced " + target + " events").atMost(duration.plusSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> agents().stream().mapToLong(AsyncioAgentStats.Snapshot::emitted).sum() >= target);
    }

    /** The agents' workers stop producing; the agents keep sending what they hold. */
    void stopProducing() {
        agents.stopProducing();
    }

    /**
     * The end state a healthy brain must reach once production stops: within {@code settle} every
     * simulated buffer is empty, the brain stored each agent's events exactly once (as many rows as
     * the agent produced: nothing lost, nothing twice), no agent had to reconnect, and the brain
     * counted every agent online at every sample taken while all of them were connected.
     */
    void assertDrainsCompletely(Duration settle) throws Exception {
        stopProducing();
        await("every simulated agent buffer empty").atMost(settle).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(agents())
                        .as("events still buffered in the agents (acks not processed)")
                        .allSatisfy(a -> assertThat(a.buffered()).as(a.name() + " still buffered").isZero()));
        List<AsyncioAgentStats.Snapshot> end = agents();
        List<Long> stored = storedPerAgent();
        for (int i = 0; i < end.size(); i++) {
            AsyncioAgentStats.Snapshot a = end.get(i);
            assertThat(stored.get(i)).as(a.name() + ": rows stored == events produced").isEqualTo(a.emitted());
            assertThat(a.sessions()).as(a.name() + ": sessions (a reconnect means the brain or the agent gave up)")
                    .isEqualTo(1);
            assertThat(a.connected()).as(a.name() + " still connected").isTrue();
        }
        assertOnlineThroughout();
    }

    /** Once the brain counted every agent online, it kept doing so at every sample while they were connected. */
    private void assertOnlineThroughout() {
        List<OnlineSample> samples = List.copyOf(online);
        int first = -1;
        for (int i = 0; i < samples.size() && first < 0; i++) {
            if (samples.get(i).allConnected() && samples.get(i).agentsOnline() == agentIds.size()) {
                first = i;
            }
        }
        assertThat(first).as("a sample with all " + agentIds.size() + " agents online, in " + samples).isNotNegative();
        assertThat(samples.subList(first, samples.size())).as("agents_online from then on, while all were connected")
                .filteredOn(OnlineSample::allConnected)
                .allSatisfy(s -> assertThat(s.agentsOnline()).as("agents_online").isEqualTo(agentIds.size()));
    }

    private void sample() {
        try {
            boolean allConnected = agents.snapshot().stream().allMatch(AsyncioAgentStats.Snapshot::connected);
            online.add(new OnlineSample(agentsOnline(), allConnected));
        } catch (Exception e) {
            online.add(new OnlineSample(-1, true)); // an unreadable stats endpoint counts against "online"
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        agents.close();
    }
}
