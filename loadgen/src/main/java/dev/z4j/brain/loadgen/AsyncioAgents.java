package dev.z4j.brain.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fleet of simulated z4j-bare processes ({@link AsyncioAgent}), each on its own thread: what
 * the {@code asyncio-agent} shape runs, and what end-to-end tests start against an in-process
 * brain.
 */
public final class AsyncioAgents implements AutoCloseable {
    /**
     * Default time a simulated agent spends per frame it signs or verifies. z4j-bare agents on
     * Python 3.14 re-sent about 2,300 frames/s each (1-1.4 MB/s of one-event frames) when four of
     * them shared two cores with the brain; 400 µs per frame reproduces that rate.
     */
    public static final Duration DEFAULT_FRAME_COST = Duration.ofNanos(400_000);

    /** One agent as minted by the brain ({@code POST /api/v1/projects/{slug}/agents}). */
    public record Identity(String name, String token, String hmacSecret) {}

    private final List<AsyncioAgent> agents;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean producing = true;

    private AsyncioAgents(List<AsyncioAgent> agents) {
        this.agents = agents;
    }

    /**
     * Starts one simulated agent process per identity, each producing {@code eventsPerSecondEach}
     * task events until {@link #stopProducing()}.
     *
     * @param wsUrl the brain's agent endpoint, e.g. {@code ws://127.0.0.1:7700/ws/agent}
     */
    public static AsyncioAgents start(URI wsUrl, List<Identity> identities, double eventsPerSecondEach,
                                      Duration frameCost) {
        Loopback.requireLoopbackUrl(wsUrl, "wsUrl");
        Metrics metrics = new Metrics();
        long now = System.nanoTime();
        List<AsyncioAgent> list = new ArrayList<>();
        AsyncioAgents fleet = new AsyncioAgents(list);
        for (int i = 0; i < identities.size(); i++) {
            Identity id = identities.get(i);
            AsyncioAgent.Settings s = new AsyncioAgent.Settings(id.name(), wsUrl, id.token(), id.hmacSecret(),
                    "bare-" + ProcessHandle.current().pid() + "-" + i, () -> eventsPerSecondEach,
                    () -> fleet.producing, frameCost.toNanos(), AgentBuffer.DEFAULT_CAPACITY);
            list.add(new AsyncioAgent(s, metrics, new AsyncioAgentStats(id.name(), now), now));
        }
        fleet.startThreads();
        return fleet;
    }

    /** The loadgen's run: settings come from the options and the run's phase and rate schedule. */
    static AsyncioAgents start(List<AsyncioAgent.Settings> settings, Metrics metrics) {
        long now = System.nanoTime();
        List<AsyncioAgent> list = new ArrayList<>();
        for (AsyncioAgent.Settings s : settings) {
            list.add(new AsyncioAgent(s, metrics, new AsyncioAgentStats(s.name(), now), now));
        }
        AsyncioAgents fleet = new AsyncioAgents(list);
        fleet.startThreads();
        return fleet;
    }

    private void startThreads() {
        for (AsyncioAgent a : agents) {
            // One OS thread per simulated process, like the agent's loop thread; its selector blocks it.
            threads.add(Thread.ofPlatform().daemon().name("asyncio-agent-" + a.stats().snapshot().name()).start(a));
        }
    }

    /** The workers produce no more events; the agents keep sending what they hold. */
    public void stopProducing() {
        producing = false;
    }

    /** Every agent's numbers, in start order. */
    public List<AsyncioAgentStats.Snapshot> snapshot() {
        List<AsyncioAgentStats.Snapshot> out = new ArrayList<>(agents.size());
        for (AsyncioAgent a : agents) {
            out.add(a.stats().snapshot());
        }
        return out;
    }

    /** Stops every agent (a normal close of each socket) and waits briefly for the threads. */
    @Override
    public void close() {
        agents.forEach(AsyncioAgent::stop);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
