package dev.z4j.brain.ingress;

import dev.z4j.brain.ingress.ws.WsEndpoint;
import dev.z4j.brain.ingress.ws.WsProtocolError;
import dev.z4j.brain.registry.LocalDashboard;
import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /ws/dashboard}: operators' live change feed. Authenticated by the browser's session cookie
 * (with an Origin check), an API key (header) or a short-lived single-use ticket ({@code ?ticket=});
 * the first message subscribes to one project the caller may see (UUID, or slug); notices are small
 * JSON objects, coalesced per subscriber.
 * Each subscriber has a bounded queue: a slow one is disconnected, never waited on.
 */
public final class DashboardHub implements LocalDashboard {
    private static final Logger LOG = Logger.getLogger(DashboardHub.class.getName());
    /** Distinct pending notices per subscriber; beyond this they coalesce per topic (subject dropped). */
    static final int MAX_DISTINCT = 32;
    public static final Duration TICKET_TTL = Duration.ofSeconds(60);
    /** A notice waiting longer than this means the subscriber stopped reading. */
    static final Duration MAX_STALL = Duration.ofSeconds(5);
    static final int SLOW = 4409;
    /** Dashboards send a subscribe and pings: anything larger is refused with 1009 before it is read. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    static final int TOO_BIG = 1009;

    private final Directory directory;
    private final DashboardAuth auth;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Counter dropped;
    private final Counter delivered;
    private final Counter originsRefused;

    private record Ticket(Instant expires, DashboardAuth.Viewer viewer) {}

    public DashboardHub(Directory directory, DashboardAuth auth, MeterRegistry meters) {
        this.directory = directory;
        this.auth = auth;
        this.dropped = Counter.builder("z4j_dashboard_slow_disconnects_total").register(meters);
        this.delivered = Counter.builder("z4j_dashboard_notices_sent_total").register(meters);
        this.originsRefused = Counter.builder("z4j_dashboard_origin_refused_total")
                .description("dashboard handshakes refused with 403 for a foreign Origin").register(meters);
        Gauge.builder("z4j_dashboard_subscribers", subscribers, Set::size).register(meters);
    }

    /** Issues a ticket for one {@code /ws/dashboard} connection by {@code viewer} within 60 s. */
    public String newTicket(DashboardAuth.Viewer viewer) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        String t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Instant now = Instant.now();
        tickets.values().removeIf(x -> x.expires().isBefore(now)); // keep the map small
        tickets.put(t, new Ticket(now.plus(TICKET_TTL), viewer));
        return t;
    }

    /** {@code /ws/dashboard}. */
    public WsEndpoint endpoint() {
        return new WsEndpoint("/ws/dashboard", this::newListener, MAX_MESSAGE_BYTES, TOO_BIG);
    }

    WsListener newListener() {
        return new Subscriber();
    }

    @Override
    public void deliver(Notice notice) {
        for (Subscriber s : subscribers) {
            if (notice.projectId().equals(s.projectId)) {
                s.offer(notice);
            }
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** A ticket from {@link #newTicket} (single use), for clients that can send neither cookie nor header. */
    public Optional<DashboardAuth.Viewer> redeem(String ticket) {
        Ticket t = tickets.remove(ticket);
        return t != null && t.expires().isAfter(Instant.now()) ? Optional.of(t.viewer()) : Optional.empty();
    }

    private DashboardAuth.Verdict authorise(HttpPrologue prologue, Headers headers) {
        Optional<String> ticket = prologue.query().first("ticket").asOptional();
        if (ticket.isPresent() && !headers.contains(HeaderNames.COOKIE) && !headers.contains(HeaderNames.AUTHORIZATION)) {
            return auth.redeemTicket(ticket.get()).map(DashboardAuth.Verdict::allow)
                    .orElse(DashboardAuth.Verdict.refuse(CloseCodes.UNAUTHORIZED, "unknown or expired ticket"));
        }
        return auth.upgrade(headers);
    }

    /** One operator's socket. Notices merge per topic while waiting, so the queue stays tiny. */
    private final class Subscriber implements WsListener {
        private final Map<String, Notice> pending = new LinkedHashMap<>();
        private final AtomicBoolean draining = new AtomicBoolean();
        private volatile DashboardAuth.Verdict verdict;
        private volatile UUID projectId;
        private volatile boolean closed;
        private long stuckSince; // guarded by pending: since when notices wait with no send completing
        private WsSession session;

        /** A foreign Origin never gets a socket: our WebSocket layer answers the exception with 403. */
        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
            if (!auth.allowsOrigin(headers)) {
                originsRefused.increment();
                throw new WsUpgradeException("origin not allowed");
            }
            verdict = authorise(prologue, headers);
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession session) {
            this.session = session;
            DashboardAuth.Verdict v = verdict;
            if (v == null || v.viewer() == null) {
                close(v == null ? CloseCodes.UNAUTHORIZED : v.closeCode(), v == null ? "unauthorized" : v.reason());
            }
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            if (closed) {
                return;
            }
            if (projectId == null) {
                subscribe(text);
            } else if (text.contains("\"ping\"")) {
                send("{\"type\":\"pong\"}");
            }
        }

        @Override
        public void onMessage(WsSession session, io.helidon.common.buffers.BufferData buffer, boolean last) {
            close(CloseCodes.BAD_FRAME, "dashboard messages are text");
        }

        private void subscribe(String text) {
            UUID project = null;
            try {
                var n = dev.z4j.brain.ingress.api.Json.MAPPER.readTree(text);
                if (n != null && "subscribe".equals(n.path("type").asText())) {
                    String ref = n.path("project_id").asText(n.path("project").asText(""));
                    project = resolve(ref);
                }
            } catch (java.io.IOException | RuntimeException | StoreException e) {
                project = null;
            }
            if (project == null) {
                close(CloseCodes.BAD_FRAME, "first message must be {\"type\":\"subscribe\",\"project_id\":...}");
                return;
            }
            if (!verdict.viewer().mayWatch(project)) {
                close(CloseCodes.SIGNATURE, "not a member of this project"); // 4403, as for a foreign Origin
                return;
            }
            projectId = project;
            subscribers.add(this);
            send("{\"type\":\"ready\",\"project_id\":\"" + project + "\"}");
        }

        private UUID resolve(String ref) throws StoreException {
            try {
                UUID id = UUID.fromString(ref);
                return directory.projectById(id).map(Directory.Project::id).orElse(null);
            } catch (IllegalArgumentException notUuid) {
                return directory.projectBySlug(ref).map(Directory.Project::id).orElse(null);
            }
        }

        void offer(Notice n) {
            synchronized (pending) {
                if (closed) {
                    return;
                }
                if (pending.size() < MAX_DISTINCT) {
                    pending.merge(n.topic() + "|" + (n.subject() == null ? "" : n.subject()), n, Notice::merge);
                } else {
                    // Under a burst the queue stays bounded: "something changed in topic X, refetch".
                    Notice general = new Notice(n.projectId(), n.topic(), n.count(), null);
                    pending.merge(n.topic() + "|", general, Notice::merge);
                }
                long now = System.nanoTime();
                if (stuckSince == 0) {
                    stuckSince = now;
                }
                // The oldest notice has waited too long: the client stopped reading. Drop it, never wait.
                if (now - stuckSince > MAX_STALL.toNanos()) {
                    dropped.increment();
                    Thread.startVirtualThread(() -> close(SLOW, "too slow: notices piled up"));
                    return;
                }
            }
            if (draining.compareAndSet(false, true)) {
                Thread.startVirtualThread(this::drain);
            }
        }

        private void drain() {
            do {
                while (true) {
                    Notice n;
                    synchronized (pending) {
                        var it = pending.values().iterator();
                        if (!it.hasNext()) {
                            stuckSince = 0;
                            break;
                        }
                        n = it.next();
                        it.remove();
                    }
                    send("{\"type\":\"event\",\"topic\":\"" + n.topic() + "\",\"project_id\":\"" + n.projectId()
                            + "\",\"count\":" + n.count()
                            + (n.subject() == null ? "" : ",\"id\":\"" + n.subject() + "\"") + "}");
                    delivered.increment();
                    synchronized (pending) {
                        stuckSince = pending.isEmpty() ? 0 : System.nanoTime(); // progress: restart the clock
                    }
                }
                draining.set(false);
            } while (hasPending() && draining.compareAndSet(false, true));
        }

        private boolean hasPending() {
            synchronized (pending) {
                return !pending.isEmpty();
            }
        }

        private void send(String json) {
            if (closed) {
                return;
            }
            try {
                session.send(json, true);
            } catch (RuntimeException e) {
                cleanup();
            }
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            cleanup();
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            if (t instanceof WsProtocolError e) {
                close(e.closeCode(), e.getMessage());
                return;
            }
            LOG.log(Level.FINE, "dashboard socket lost", t);
            cleanup();
        }

        private void close(int code, String reason) {
            if (closed) {
                return;
            }
            cleanup();
            try {
                session.close(code, reason);
            } catch (RuntimeException ignored) {
                // already gone
            }
        }

        private void cleanup() {
            closed = true;
            subscribers.remove(this);
            synchronized (pending) {
                pending.clear();
            }
        }
    }
}
