package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.AgentGateway;
import dev.z4j.brain.ingress.ConnectionRegistry;
import dev.z4j.brain.ingress.DashboardHub;
import dev.z4j.brain.ingress.GatewayConfig;
import dev.z4j.brain.ingress.GatewayMetrics;
import dev.z4j.brain.ingress.api.OperatorApi;
import dev.z4j.brain.ingress.api.RouteTable;
import dev.z4j.brain.ingress.ws.WsEndpoints;
import dev.z4j.brain.ingress.ws.WsPort;
import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.pipeline.TaskMetrics;
import dev.z4j.brain.registry.LocalRegistry;
import dev.z4j.brain.registry.NoticeBatcher;
import dev.z4j.brain.registry.PostgresNotifyRegistry;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.StoreException;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
    /** Task names per project with a label of their own in the task metrics (later ones: "other"). */
    static final int TASK_NAME_LABELS_PER_PROJECT = 100;
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
    private final WsPort agentPort; // null without Z4J_AGENT_PORT
    private final MaintenanceJobs jobs;
    private final HeaderTimeout headerTimeout;
    /** Connections the kernel may hold for us before accept(). */
    static final int ACCEPT_BACKLOG = 8192;
    private final Bootstrap.FirstStart firstStart;
    private final RouteTable api;

    private Brain(Database db, IngestPipeline pipeline, AgentGateway gateway, Registry registry, NoticeBatcher notices,
                  DashboardHub dashboard, WebServer server, WsEndpoints webSockets, WsPort agentPort, MaintenanceJobs jobs,
                  HeaderTimeout headerTimeout, Bootstrap.FirstStart firstStart, RouteTable api) {
        this.db = db;
        this.pipeline = pipeline;
        this.gateway = gateway;
        this.registry = registry;
        this.notices = notices;
        this.dashboard = dashboard;
        this.server = server;
        this.webSockets = webSockets;
        this.agentPort = agentPort;
        this.jobs = jobs;
        this.headerTimeout = headerTimeout;
        this.firstStart = firstStart;
        this.api = api;
    }

    /**
     * Opens the database, starts the pipeline, the gateway, the registry, the HTTP server and the
     * jobs. If any step fails, what the earlier steps opened is closed again before the failure
     * is thrown: {@link StoreException} for the database, {@link BrainStartException} otherwise.
     */
    public static Brain start(BrainConfig config) throws StoreException {
        PeerGoneFilter.install();
        StartUndo undo = new StartUndo();
        try {
            return start(config, undo);
        } catch (StoreException | RuntimeException | Error e) {
            undo.undo(e);
            throw e;
        }
    }

    private static Brain start(BrainConfig config, StartUndo undo) throws StoreException {
        // 1. Storage: open and migrate.
        Database db = undo.add(Databases.open(new DatabaseConfig(config.databaseUrl(), config.home(),
                config.statementTimeoutMs(), config.dbPoolSize(), config.dbReads()), config.readReplica()), Database::close);
        db.migrate();

        // 2. Metrics registry scraped at /metrics.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        OperatorReadMetrics.bind(db, metrics);

        // 2b. The operator side (users, sessions, API keys, roles, audit), and on an empty database:
        //     project "default", the first admin (Z4J_BOOTSTRAP_ADMIN_*) or a setup token, an admin:* key.
        AtomicBoolean started = new AtomicBoolean();
        Clock clock = Clock.systemUTC();
        OperatorApi operator = new OperatorApi(new OperatorApi.Deps(db.access(), db.directory(), db.commands(), db.reads(),
                config.secretBytes(), config.operator(), clock, d -> Thread.sleep(d), metrics,
                config.commandTimeoutSeconds(), HomePage.VERSION, config.postgres() ? "postgresql" : "sqlite",
                db::ping, started::get));
        Bootstrap.FirstStart firstStart = Bootstrap.firstStart(db, operator, config, clock.instant());

        // 3. The ingest pipeline: Disruptor ring -> batching persister -> acks after commit -> task
        //    metrics from the stored rows -> notices.
        NoticeBatcher notices = undo.add(new NoticeBatcher(NOTICE_TICK), NoticeBatcher::close);
        IngestPipeline pipeline = undo.add(IngestPipeline.builder()
                .eventStores(db::eventStore)
                .writers(config.ingestWriters())
                .ringSize(config.ringSize())
                .maxBatchEvents(config.batchMaxEvents())
                .linger(config.batchLinger())
                .meterRegistry(metrics)
                .commitListener(notices::taskChanges)
                .insertedRowListener(new TaskMetrics(metrics, TASK_NAME_LABELS_PER_PROJECT))
                .build(), p -> p.close(Duration.ofSeconds(5)));

        // 4. The agent gateway (/ws/agent) holding this replica's sockets, the dashboard hub
        //    (/ws/dashboard), and the replica registry that connects them to the other replicas.
        ConnectionRegistry sockets = new ConnectionRegistry(config.wsWorkersPerAgent());
        GatewayConfig gatewayConfig = new GatewayConfig(config.secretBytes(), config.previousSecretBytes(),
                config.wsMaxFrameBytes(), Duration.ofSeconds(config.wsIdleTimeoutSeconds()),
                Duration.ofSeconds(config.wsHelloTimeoutSeconds()), HEARTBEAT_INTERVAL_SECONDS, BRAIN_VERSION,
                config.wsResendBrake(), config.authLookups(), config.authCacheEntries());
        AgentGateway gateway = undo.add(new AgentGateway(gatewayConfig, db.directory(), db.commands(), pipeline,
                new GatewayMetrics(metrics, sockets::agentCount), sockets), AgentGateway::close);
        DashboardHub dashboard = new DashboardHub(db.directory(), operator.dashboardAuth(), metrics);
        Registry registry = undo.add(config.registryBackend().equals("postgres_notify")
                ? new PostgresNotifyRegistry(db, gateway, dashboard, metrics)
                : new LocalRegistry(gateway, dashboard), Registry::close);
        gateway.attach(registry);
        registry.start();
        notices.attach(registry);
        RouteTable api = operator.routeTable(registry, dashboard, gateway::holds);
        api.add(new PipelineStats(metrics, config.ringSize(), dashboard::subscriberCount, clock).route());

        // 5. HTTP: home page, REST API, health, metrics, and the two WebSocket paths, which our own
        //    WebSocket layer upgrades (pings answered, every frame checked, a lost peer noticed at
        //    once). Request bodies are capped (413), request heads must arrive in time, and the
        //    errors Helidon answers by itself (404, 413, 400) use the API's JSON envelope.
        WsEndpoints webSockets = undo.add(new WsEndpoints(List.of(gateway.endpoint(), dashboard.endpoint())),
                WsEndpoints::close);
        HeaderTimeout headerTimeout = undo.add(new HeaderTimeout(
                Duration.ofSeconds(config.httpHeaderTimeoutSeconds()), metrics), HeaderTimeout::close);
        Supplier<HomePage.Health> health = () -> {
            boolean database = db.ping();
            boolean running = pipeline.isRunning();
            return new HomePage.Health(database && running, database, running, registry.healthy(),
                    config.postgres() ? "PostgreSQL" : "SQLite");
        };
        // A dashboard build from Z4J_DASHBOARD_DIST, else our own, from the jar.
        Handler dashboardPages = config.dashboardDist() != null ? new DashboardFiles(config.dashboardDist())
                : BuiltInDashboard.load();
        checkPortFree(config.bindHost(), config.bindPort());
        WebServer server = undo.add(WebServer.builder()
                .host(config.bindHost())
                .port(config.bindPort())
                .shutdownHook(false)
                // Room for a connect storm in the accept queue (Helidon's default is 1024; the kernel
                // caps it at net.core.somaxconn): a full queue drops handshakes, and the agent waits
                // out SYN-ACK retransmits of 1, 2, 4 s before its upgrade is even read.
                .backlog(ACCEPT_BACKLOG)
                .maxPayloadSize(config.httpMaxBodyBytes())
                .connectionOptions(socketOptions(config))
                // Blocking sockets: one 8 KiB read buffer per connection instead of NIO's 8 KiB read
                // plus 8 KiB write buffers (Helidon's sizes, not configurable); reads and writes still
                // park only the connection's virtual thread. Half the per-socket buffers of an idle agent.
                .useNio(false)
                .directHandlers(JsonErrors.handlers(config.httpMaxBodyBytes(), metrics))
                .addConnectionSelector(webSockets.selector(Http1Config.builder()
                        .addReceiveListener(headerTimeout).build()))
                .routing(r -> r
                        .get("/", dashboardPages)
                        .get("/about", new HomePage(health))
                        .register("/api/v1", api)
                        .get("/setup", new SetupPage(db.access().accounts(), clock))
                        .get("/health/live", (req, res) -> res
                                .header(HeaderNames.CONTENT_TYPE, "application/json")
                                .send("{\"status\":\"UP\"}"))
                        .get("/health/ready", (req, res) -> {
                            HomePage.Health h = health.get();
                            res.status(h.ready() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                                    .send("{\"status\":\"" + (h.ready() ? "UP" : "DOWN") + "\",\"database\":"
                                            + h.database() + ",\"pipeline\":" + h.pipeline()
                                            + ",\"registry\":" + h.registry() + "}");
                        })
                        .get("/metrics", (req, res) -> res
                                .header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                                .send(metrics.scrape().getBytes(StandardCharsets.UTF_8)))
                        .update(rules -> {
                            rules.get("/*", dashboardPages); // last: the dashboard's pages and files
                        }))
                .build(), WebServer::stop);
        server.start();
        if (!server.isRunning()) {
            // Helidon logs the cause and returns instead of throwing (e.g. the port was taken just now).
            throw new BrainStartException(cannotListen(config) + ": the HTTP server did not start (see the log above)",
                    null);
        }
        // Optionally /ws/agent on a port of its own, below Helidon: an idle agent socket there keeps
        // a 512-byte buffer instead of Helidon's 8 KiB and its HTTP/1 connection (docs/CAPACITY.md).
        WsPort agentPort = null;
        if (config.agentPort() != null) {
            try {
                agentPort = undo.add(WsPort.start(config.bindHost(), config.agentPort(), ACCEPT_BACKLOG,
                        gateway.endpoint(), webSockets, socketOptions(config),
                        Duration.ofSeconds(config.httpHeaderTimeoutSeconds()), metrics), WsPort::close);
            } catch (IOException e) {
                throw new BrainStartException("cannot listen on " + config.bindHost() + ":" + config.agentPort()
                        + " (Z4J_BIND_HOST / Z4J_AGENT_PORT): " + e.getMessage(), e);
            }
        }

        // 6. Background jobs (each run skipped while another replica runs it): partitions, retention,
        //    stale-agent sweep, command timeouts.
        MaintenanceJobs jobs = undo.add(new MaintenanceJobs(db, config, clock, registry),
                MaintenanceJobs::close);
        jobs.start();
        started.set(true);
        return new Brain(db, pipeline, gateway, registry, notices, dashboard, server, webSockets, agentPort, jobs,
                headerTimeout, firstStart, api);
    }

    /**
     * Options of every accepted socket. A fixed receive buffer turns off the kernel's autotuning (up
     * to several MB per socket), which an agent stuck in its resend loop must fill before its
     * writes block (see ResendBrake); it also bounds kernel memory per idle agent.
     */
    private static SocketOptions socketOptions(BrainConfig config) {
        SocketOptions.Builder options = SocketOptions.builder();
        if (config.socketReceiveBufferBytes() > 0) {
            options.socketReceiveBufferSize(config.socketReceiveBufferBytes());
        }
        return options.build();
    }

    /**
     * Binds and releases the listen address first, so a taken port is reported in one line naming
     * the setting (Helidon would log a stack trace and carry on without a listener).
     */
    private static void checkPortFree(String host, int port) {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Helidon binds: sockets in TIME_WAIT do not count as taken
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new BrainStartException(cannotListen(host, port) + ": " + e.getMessage()
                    + " (is another brain or program using it? set Z4J_BIND_PORT)", e);
        }
    }

    private static String cannotListen(BrainConfig config) {
        return cannotListen(config.bindHost(), config.bindPort());
    }

    private static String cannotListen(String host, int port) {
        return "cannot listen on " + host + ":" + port + " (Z4J_BIND_HOST / Z4J_BIND_PORT)";
    }

    public int port() {
        return server.port();
    }

    /** The agent port (Z4J_AGENT_PORT), or -1 when the brain has none. */
    public int agentPort() {
        return agentPort == null ? -1 : agentPort.port();
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

    /** The admin:* API key created on this start (first start on an empty database only). */
    public Optional<String> bootstrapAdminKey() {
        return firstStart.adminKey();
    }

    /** The one-time setup token minted on this start while no operator account exists. */
    public Optional<String> setupToken() {
        return firstStart.setupToken();
    }

    /** The operator API's routes (for its OpenAPI description and tests). */
    public RouteTable api() {
        return api;
    }

    /** Where browsers reach this brain: Z4J_PUBLIC_URL, else this listener. */
    String publicUrl(BrainConfig config) {
        if (config.operator().publicUrl() != null) {
            return config.operator().publicUrl().replaceAll("/+$", "");
        }
        String host = config.bindHost().equals("0.0.0.0") || config.bindHost().equals("::") ? "localhost"
                : config.bindHost();
        return "http://" + host + ":" + port();
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
        closeAgentPort();
        headerTimeout.close();
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
        closeAgentPort();
        headerTimeout.close();
        webSockets.close();
        gateway.close();
        db.close();
    }

    private void closeAgentPort() {
        if (agentPort != null) {
            agentPort.close();
        }
    }
}
