package dev.z4j.brain.ingress;

import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameType;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.Timestamps;
import dev.z4j.brain.registry.LocalDashboard;
import dev.z4j.brain.registry.LocalRegistry;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A real agent gateway on a real SQLite database and ingest pipeline, driven without a network:
 * connections are fed hello and frames directly, and talk to {@link FakeSession}s.
 */
final class GatewayHarness implements AutoCloseable {
    static final byte[] MASTER = "gateway-harness-master-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    /** An agent's credentials. */
    record Agent(UUID id, String token) {}

    final Database db;
    final UUID project;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final IngestPipeline pipeline;
    final ConnectionRegistry sockets = new ConnectionRegistry(64);
    final AgentGateway gateway;
    final Registry registry;

    GatewayHarness(Path home) throws Exception {
        this(home, Function.identity(), null);
    }

    /**
     * @param commands wraps the database's command store (to make it fail)
     * @param registry the replica registry, or null for the local one
     */
    GatewayHarness(Path home, Function<CommandStore, CommandStore> commands, Registry registry) throws Exception {
        db = Databases.open(new DatabaseConfig(null, home, 5_000, 2));
        db.migrate();
        project = db.directory().createProject("harness", "Harness").id();
        pipeline = IngestPipeline.builder().eventStore(db.eventStore()).meterRegistry(meters)
                .linger(Duration.ofMillis(1)).build();
        GatewayConfig config = new GatewayConfig(MASTER, List.of(), 1_048_576, Duration.ofSeconds(90),
                Duration.ofSeconds(10), 10, "1.6.9", true, 4, 1000);
        gateway = new AgentGateway(config, db.directory(), commands.apply(db.commands()), pipeline,
                new GatewayMetrics(meters, sockets::agentCount), sockets);
        this.registry = registry == null ? new LocalRegistry(gateway, LocalDashboard.NONE) : registry;
        gateway.attach(this.registry);
    }

    Agent newAgent(String name) throws Exception {
        String token = dev.z4j.brain.ingress.api.Tokens.random();
        UUID id = db.directory().createAgent(project, name, Secrets.tokenHash(MASTER, token)).id();
        return new Agent(id, token);
    }

    /** A socket of {@code agent} past the HTTP upgrade (its bearer looked up), not open yet. */
    AgentConnection upgrade(Agent agent) {
        AgentConnection c = (AgentConnection) gateway.newListener();
        WritableHeaders<?> headers = WritableHeaders.create().add(HeaderNames.AUTHORIZATION, "Bearer " + agent.token());
        c.onHttpUpgrade(HttpPrologue.create("HTTP/1.1", "HTTP", "1.1", Method.GET, "/ws/agent", false), headers);
        return c;
    }

    /** A socket of {@code agent} that has sent hello (and, unless something closed it, got hello_ack). */
    AgentConnection connect(Agent agent, String workerId, FakeSession session) {
        AgentConnection c = upgrade(agent);
        c.onOpen(session);
        c.onMessage(session, BufferData.create(hello(workerId)), true);
        return c;
    }

    static byte[] hello(String workerId) {
        return FrameSigner.unsigned(new Frame(FrameType.HELLO, "hello_" + workerId, null, null, null, null,
                new Frame.Hello("2", "1.6.7", "bare", List.of("celery"), List.of(),
                        Map.of("celery", List.of("cancel_task")), Map.of("name", "harness"), workerId, "task",
                        4242L, Timestamps.format(Instant.now()))));
    }

    CommandStore.Command issue(Agent agent) throws Exception {
        return db.commands().insert(new CommandStore.NewCommand(project, agent.id(), "cancel_task",
                "{\"type\":\"task\",\"id\":\"celery:t1\"}", "{\"task_id\":\"t1\"}", 60, null, null), Instant.now());
    }

    CommandStore.Command command(UUID id) throws Exception {
        return db.commands().get(id).orElseThrow();
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        pipeline.close(Duration.ofSeconds(5));
        gateway.close();
        registry.close();
        db.close();
    }
}
