package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.AgentGateway;
import dev.z4j.brain.ingress.ConnectionRegistry;
import dev.z4j.brain.ingress.DashboardHub;
import dev.z4j.brain.ingress.GatewayConfig;
import dev.z4j.brain.ingress.GatewayMetrics;
import dev.z4j.brain.ingress.RestApi;
import dev.z4j.brain.ingress.ws.WsEndpoints;
import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.registry.LocalRegistry;
import dev.z4j.brain.registry.NoticeBatcher;
import dev.z4j.brain.registry.PostgresNotifyRegistry;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running brain, wired by hand and readable top to bottom: database, pipeline, agent gateway,
 * HTTP routes, background jobs. {@link #close()} shuts down gracefully; {@link #halt()} is a crash.
 */
public final class Brain implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Brain.class.getName());
    /** The z4j line we speak; agents warn when its major.minor differs from theirs. */
    static final String BRAIN_VERSION = "1.6.9";
    static final int HEARTBEAT_INTERVAL_SECONDS = 10;
    /** Task-change notices are coalesced per project over this tick. */
    static final Duration NOTICE_TICK = Duration.ofMillis(20);

    private final Database db;
    private final IngestPipeline pipeline;
    private final AgentGateway gateway;
    private final Registry registry;
    private final NoticeBatcher notices;
    private final DashboardHub dashboard;
    private final WebServer server;
    private final WsEndpoints webSockets;
    private final MaintenanceJobs jobs;
    private final Optional<String> bootstrapAdminKey;

    private Brain(Database db, IngestPipeline pipeline, AgentGateway gateway, Registry registry, NoticeBatcher notices,
                  DashboardHub dashboard, WebServer server, WsEndpoints webSockets, MaintenanceJobs jobs,
                  Optional<String> bootstrapAdminKey) {
        this.db = db;
        this.pipeline = pipeline;
        this.gateway = gateway;
        this.registry = registry;
        this.notices = notices;
        this.dashboard = dashboard;
        this.server = server;
        this.webSockets = webSockets;
        this.jobs = jobs;
        this.bootstrapAdminKey = bootstrapAdminKey;
    }

    public static Brain start(BrainConfig config) throws StoreException {
        // 1. Storage: open, migrate, and on an empty database create project "default" + an admin key.
        Database db = Databases.open(new DatabaseConfig(config.databaseUrl(), config.home(),
                config.statementTimeoutMs(), config.dbPoolSize()));
        db.migrate();
        Optional<String> adminKey = Bootstrap.firstStart(db.directory(), config.secretBytes());

        // 2. Metrics registry scraped at /metrics.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);

        // 3. The ingest pipeline: Disruptor ring -> batching persister -> acks after commit -> notices.
        NoticeBatcher notices = new NoticeBatcher(NOTICE_TICK);
        IngestPipeline pipeline = IngestPipeline.builder()
                .eventStore(db.eventStore())
                .ringSize(config.ringSize())
                .maxBatchEvents(config.batchMaxEvents())
                .linger(config.batchLinger())
                .meterRegistry(metrics)
                .commitListener(notices::taskChanges)
                .build();

        // 4. The agent gateway (/ws/agent) holding this replica's sockets, the dashboard hub
        //    (/ws/dashboard), and the replica registry that connects them to the other replicas.
        ConnectionRegistry sockets = new ConnectionRegistry(config.wsWorkersPerAgent());
        GatewayConfig gatewayConfig = new GatewayConfig(config.secretBytes(), config.previousSecretBytes(),
                config.wsMaxFrameBytes(), Duration.ofSeconds(config.wsIdleTimeoutSeconds()),
                Duration.ofSeconds(config.wsHelloTimeoutSeconds()), HEARTBEAT_INTERVAL_SECONDS, BRAIN_VERSION);
        AgentGateway gateway = new AgentGateway(gatewayConfig, db.directory(), db.commands(), pipeline,
                new GatewayMetrics(metrics, sockets::agentCount), sockets);
        DashboardHub dashboard = new DashboardHub(db.directory(), config.secretBytes(), metrics);
        Registry registry = config.registryBackend().equals("postgres_notify")
                ? new PostgresNotifyRegistry(db, gateway, dashboard, metrics)
                : new LocalRegistry(gateway, dashboard);
        gateway.attach(registry);
        registry.start();
        notices.attach(registry);

        // 5. HTTP: REST API, health, metrics, and the two WebSocket paths. Our own WebSocket layer
        //    (pings answered, every frame checked, a lost peer noticed at once) upgrades them.
        WsEndpoints webSockets = new WsEndpoints(List.of(gateway.endpoint(), dashboard.endpoint()));
        WebServer server = WebServer.builder()
                .host(config.bindHost())
                .port(config.bindPort())
                .shutdownHook(false)
                .addConnectionSelector(webSockets.selector())
                .routing(r -> r
                        .register("/api/v1", new RestApi(db.directory(), config.secretBytes(), db.commands(),
                                registry, dashboard, config.commandTimeoutSeconds()))
                        .get("/health/live", (req, res) -> res.send("{\"status\":\"UP\"}"))
                        .get("/health/ready", (req, res) -> {
                            boolean ready = pipeline.isRunning() && db.ping();
                            res.status(ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                                    .send("{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"database\":"
                                            + db.ping() + ",\"pipeline\":" + pipeline.isRunning()
                                            + ",\"registry\":" + registry.healthy() + "}");
                        })
                        .get("/metrics", (req, res) -> res
                                .header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                                .send(metrics.scrape().getBytes(StandardCharsets.UTF_8))))
                .build()
                .start();

        // 6. Background jobs (each run skipped if another replica is running it): partitions, retention, stale-agent sweep, command timeouts.
        MaintenanceJobs jobs = new MaintenanceJobs(db, config, Clock.systemUTC(), registry);
        jobs.start();
        return new Brain(db, pipeline, gateway, registry, notices, dashboard, server, webSockets, jobs, adminKey);
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return db;
    }

    public DashboardHub dashboard() {
        return dashboard;
    }

    public Registry registry() {
        return registry;
    }

    /** The admin key created on this start (first start on an empty database only). */
    public Optional<String> bootstrapAdminKey() {
        return bootstrapAdminKey;
    }

    /**
     * Graceful shutdown: persist and ack everything already received, then close agent sockets with
     * 1001 so agents reconnect elsewhere, then stop the server and the database.
     */
    @Override
    public void close() {
        jobs.close();
        if (!pipeline.close(Duration.ofSeconds(30))) {
            LOG.warning("pipeline did not drain within 30 s");
        }
        gateway.closeAll();
        gateway.close();
        notices.close();
        registry.close();
        server.stop();
        webSockets.close();
        db.close();
    }

    /** A crash, for tests: nothing more is persisted or acked; sockets just drop. */
    public void halt() {
        jobs.close();
        pipeline.halt();
        notices.close();
        registry.close();
        server.stop();
        webSockets.close();
        gateway.close();
        db.close();
    }

    static void logStarted(Brain brain, BrainConfig config) {
        LOG.log(Level.INFO, "z4j brain listening on {0}:{1} ({2})",
                new Object[] {config.bindHost(), String.valueOf(brain.port()), config.postgres() ? "PostgreSQL" : "SQLite"});
    }
}
