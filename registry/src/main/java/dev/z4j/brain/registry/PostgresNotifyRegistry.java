package dev.z4j.brain.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Replicas on one PostgreSQL: one dedicated LISTEN connection per replica (not from the pool),
 * NOTIFY payloads carrying ids only, a self-NOTIFY watchdog that detects a silently dead listener,
 * reconnect with backoff, and a reconcile pass after every (re)connect that delivers whatever
 * was NOTIFYed while we were not listening (the gateway also reconciles every few seconds).
 * Dashboard notices are NOTIFYed from a bounded queue by one sender, so {@link #publish} never
 * waits for a pool connection.
 */
public final class PostgresNotifyRegistry implements Registry {
    private static final Logger LOG = Logger.getLogger(PostgresNotifyRegistry.class.getName());

    static final String COMMANDS = CommandStore.ANNOUNCEMENTS;
    static final String SOCKETS = "z4j_sockets";
    static final String DASHBOARD = "z4j_dashboard";
    static final String WATCHDOG = "z4j_watchdog";
    /** Deleted agents: payload = agent id; every replica (this one included) closes its sockets with 4003. */
    static final String REVOCATIONS = "z4j_revocations";
    static final Duration PING_EVERY = Duration.ofSeconds(2);
    static final Duration WATCHDOG_TIMEOUT = Duration.ofSeconds(6);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** Dashboard notices waiting for the sender; beyond this they are dropped (and counted). */
    static final int MAX_QUEUED_NOTICES = 10_000;
    /** Socket announcements share a NOTIFY up to this size (PostgreSQL refuses payloads over 8000 bytes). */
    static final int MAX_SOCKETS_PAYLOAD = 7_000;

    private final Database db;
    private final LocalAgents agents;
    private final LocalDashboard dashboard;
    private final String replicaId = UUID.randomUUID().toString();
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter reconnects;
    private final Counter notifications;
    private final Counter noticesDropped;
    private final LinkedBlockingQueue<String> outgoingNotices = new LinkedBlockingQueue<>(MAX_QUEUED_NOTICES);
    /** Not bounded: each entry must arrive (it closes a stale socket elsewhere); one per accepted socket. */
    private final LinkedBlockingQueue<String> outgoingSockets = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile boolean listening;
    private volatile long lastSelfHeardNanos;
    private Thread listener;
    private Thread noticeSender;
    private Thread socketAnnouncer;

    public PostgresNotifyRegistry(Database db, LocalAgents agents, LocalDashboard dashboard, MeterRegistry meters) {
        this.db = db;
        this.agents = agents;
        this.dashboard = dashboard;
        this.reconnects = Counter.builder("z4j_registry_listen_reconnects_total")
                .description("LISTEN connection re-established after a failure").register(meters);
        this.notifications = Counter.builder("z4j_registry_notifications_total")
                .description("NOTIFY messages received from PostgreSQL").register(meters);
        this.noticesDropped = Counter.builder("z4j_registry_notices_dropped_total")
                .description("dashboard notices not sent to other replicas because the send queue was full")
                .register(meters);
    }

    public String replicaId() {
        return replicaId;
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().name("z4j-listen").daemon().start(this::listenLoop);
        noticeSender = Thread.ofVirtual().name("z4j-notice-sender").start(this::sendNotices);
        socketAnnouncer = Thread.ofVirtual().name("z4j-socket-announcer").start(this::announceSockets);
    }

    /** PostgreSQL announced the insert at its commit (V021): nothing to send, only a local push to try. */
    @Override
    public void commandInserted(CommandStore.Command command) {
        agents.deliver(command);
    }

    @Override
    public void commandIssued(CommandStore.Command command) {
        if (!agents.deliver(command)) {
            // ids only; the agent id lets replicas that do not hold it skip reading the row
            notifyQuietly(COMMANDS, command.id() + "|" + command.agentId());
        }
    }

    @Override
    public void socketAccepted(UUID agentId, String workerId, Instant connectedAt) {
        long micros = connectedAt.getEpochSecond() * 1_000_000L + connectedAt.getNano() / 1000;
        // Queued, never sent from the socket's thread: a connect storm becomes a few NOTIFYs of many
        // lines each instead of one pool connection per socket.
        // The worker id is the agent's free text: encoded, so a newline in it cannot split a line.
        outgoingSockets.add(replicaId + "|" + agentId + "|" + micros + "|" + URLEncoder.encode(workerId, UTF_8));
    }

    /**
     * Sent at once, not through the notice queue: a revocation must not be dropped. The caller is
     * the request that deleted the agent, which may wait for a pool connection.
     */
    @Override
    public void agentRevoked(UUID agentId) {
        agents.revoke(agentId); // ours now; the others when the NOTIFY arrives
        notifyQuietly(REVOCATIONS, agentId.toString());
    }

    /** Never blocks: the NOTIFY (which may wait for a pool connection) is sent by the notice sender. */
    @Override
    public void publish(Notice notice) {
        dashboard.deliver(notice);
        if (!outgoingNotices.offer(replicaId + "|" + notice.encode())) {
            noticesDropped.increment(); // a hint to refetch, not data: the next notice carries the news
        }
    }

    private void sendNotices() {
        while (running) {
            try {
                String payload = outgoingNotices.poll(250, TimeUnit.MILLISECONDS);
                if (payload != null) {
                    notifyQuietly(DASHBOARD, payload);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sends queued socket announcements, as many lines per NOTIFY as fit. */
    private void announceSockets() {
        String carry = null;
        while (running || carry != null || !outgoingSockets.isEmpty()) {
            try {
                String first = carry != null ? carry : outgoingSockets.poll(250, TimeUnit.MILLISECONDS);
                carry = null;
                if (first == null) {
                    continue;
                }
                StringBuilder payload = new StringBuilder(first);
                for (String next; (next = outgoingSockets.poll()) != null; ) {
                    if (payload.length() + 1 + next.length() > MAX_SOCKETS_PAYLOAD) {
                        carry = next;
                        break;
                    }
                    payload.append('\n').append(next);
                }
                notifyQuietly(SOCKETS, payload.toString());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public boolean healthy() {
        return listening;
    }

    @Override
    public void close() {
        running = false;
        if (noticeSender != null) {
            // No interrupt: it would break the pooled connection of a NOTIFY in flight. The sender
            // sees running == false within one poll.
            try {
                noticeSender.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (socketAnnouncer != null) {
            try {
                socketAnnouncer.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        work.shutdown();
    }

    // ------------------------------------------------------------------ the LISTEN loop

    private void listenLoop() {
        long backoffMs = 100;
        while (running) {
            try (Connection c = db.dedicatedConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = 'z4j-listen-" + replicaId + "'"); // findable in pg_stat_activity
                    for (String channel : List.of(COMMANDS, SOCKETS, DASHBOARD, WATCHDOG, REVOCATIONS)) {
                        s.execute("LISTEN " + channel);
                    }
                }
                listening = true;
                backoffMs = 100;
                lastSelfHeardNanos = System.nanoTime();
                work.execute(this::reconcile); // whatever was NOTIFYed while we were not listening
                pump(c);
            } catch (SQLException | StoreException | RuntimeException e) {
                if (!running) {
                    break;
                }
                listening = false;
                reconnects.increment();
                LOG.log(Level.WARNING, "LISTEN connection lost ({0}); reconnecting in {1} ms",
                        new Object[] {e.getMessage(), backoffMs});
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        }
        listening = false;
    }

    private void pump(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastPing = 0;
        try (PreparedStatement ping = c.prepareStatement("SELECT pg_notify('" + WATCHDOG + "', ?)")) {
            ping.setString(1, replicaId);
            while (running) {
                long now = System.nanoTime();
                if (now - lastPing > PING_EVERY.toNanos()) {
                    ping.execute(); // our own NOTIFY must come back through this connection
                    lastPing = now;
                }
                PGNotification[] batch = pg.getNotifications(250);
                if (batch != null) {
                    for (PGNotification n : batch) {
                        dispatch(n.getName(), n.getParameter());
                    }
                }
                if (System.nanoTime() - lastSelfHeardNanos > WATCHDOG_TIMEOUT.toNanos()) {
                    throw new SQLException("own NOTIFY not heard for " + WATCHDOG_TIMEOUT.toSeconds() + " s");
                }
            }
        }
    }

    private void dispatch(String channel, String payload) {
        notifications.increment();
        try {
            switch (channel) {
                case WATCHDOG -> {
                    if (replicaId.equals(payload)) {
                        lastSelfHeardNanos = System.nanoTime();
                    }
                }
                case COMMANDS -> {
                    int bar = payload.indexOf('|');
                    UUID id = UUID.fromString(payload.substring(0, bar));
                    UUID agent = UUID.fromString(payload.substring(bar + 1));
                    if (agents.holds(agent)) {
                        work.execute(() -> agents.deliver(id, agent));
                    }
                }
                case SOCKETS -> {
                    for (String line : payload.split("\n")) { // one accepted socket per line
                        String[] p = line.split("\\|", 4);
                        if (!p[0].equals(replicaId)) {
                            long micros = Long.parseLong(p[2]);
                            Instant at = Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1000);
                            UUID agent = UUID.fromString(p[1]);
                            String worker = URLDecoder.decode(p[3], UTF_8);
                            work.execute(() -> agents.displaceIfOlder(agent, worker, at));
                        }
                    }
                }
                case DASHBOARD -> {
                    int bar = payload.indexOf('|');
                    if (!payload.substring(0, bar).equals(replicaId)) { // never echo our own notices
                        dashboard.deliver(Notice.decode(payload.substring(bar + 1)));
                    }
                }
                case REVOCATIONS -> {
                    UUID agent = UUID.fromString(payload);
                    work.execute(() -> agents.revoke(agent));
                }
                default -> LOG.log(Level.FINE, "notification on unexpected channel {0}", channel);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ignored malformed notification on " + channel + ": " + e.getMessage());
        }
    }

    /** After a gap in listening: put the commands of the agents we hold right, drop deleted agents. */
    private void reconcile() {
        try {
            var held = agents.heldAgents();
            agents.reconcile(held);
            for (UUID agent : held) { // a revocation NOTIFYed while we were not listening
                if (db.directory().agentById(agent).isEmpty()) {
                    agents.revoke(agent);
                }
            }
        } catch (StoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "reconcile after LISTEN (re)connect failed: " + e.getMessage());
        }
    }

    private void notifyQuietly(String channel, String payload) {
        try {
            db.notify(channel, payload);
        } catch (StoreException e) {
            // The next reconcile on the receiving side catches up; the row is the source of truth.
            LOG.log(Level.WARNING, "NOTIFY " + channel + " failed: " + e.getMessage());
        }
    }
}
