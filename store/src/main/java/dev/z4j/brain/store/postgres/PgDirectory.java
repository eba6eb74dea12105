package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Projects, agents, admin keys and agent liveness on PostgreSQL. Stateless, hence thread-safe. */
public final class PgDirectory implements Directory {

    private static final String UPSERT_AGENT_WORKER = """
            INSERT INTO agent_workers AS w (agent_id, project_id, worker_id, role, framework, pid, started_at,
                                            state, last_seen_at, last_connect_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'online', ?, ?)
            ON CONFLICT (agent_id, worker_id) DO UPDATE SET
                role = EXCLUDED.role, framework = EXCLUDED.framework, pid = EXCLUDED.pid,
                started_at = EXCLUDED.started_at, state = 'online',
                last_seen_at = GREATEST(w.last_seen_at, EXCLUDED.last_seen_at),
                last_connect_at = GREATEST(w.last_connect_at, EXCLUDED.last_connect_at)""";

    private static final String AGENT_ONLINE = """
            UPDATE agents SET state = 'online',
                   protocol_version = ?, framework_adapter = ?,
                   engine_adapters = COALESCE(?::jsonb, engine_adapters),
                   scheduler_adapters = COALESCE(?::jsonb, scheduler_adapters),
                   capabilities = COALESCE(?::jsonb, capabilities),
                   metadata = metadata || jsonb_strip_nulls(jsonb_build_object('host', ?::jsonb, 'version', ?::text)),
                   last_seen_at = GREATEST(last_seen_at, ?),
                   last_connect_at = GREATEST(last_connect_at, ?)
             WHERE id = ?""";

    // A reconnect of the same slot after connectedAt owns the row now; leave it online.
    private static final String WORKER_OFFLINE = """
            UPDATE agent_workers SET state = 'offline', last_seen_at = GREATEST(last_seen_at, ?)
             WHERE agent_id = ? AND worker_id = ? AND (last_connect_at IS NULL OR last_connect_at <= ?)""";

    private static final String AGENT_OFFLINE_IF_IDLE = """
            UPDATE agents a SET state = 'offline'
             WHERE a.id = ? AND (a.last_connect_at IS NULL OR a.last_connect_at <= ?)
               AND NOT EXISTS (SELECT 1 FROM agent_workers w WHERE w.agent_id = a.id AND w.state = 'online')""";

    private static final String TOUCH_WORKERS = """
            UPDATE agent_workers w SET last_seen_at = GREATEST(w.last_seen_at, u.seen), state = 'online'
              FROM unnest(?::uuid[], ?::text[], ?::timestamptz[]) AS u(agent_id, worker_id, seen)
             WHERE w.agent_id = u.agent_id AND w.worker_id = u.worker_id
               AND (w.state <> 'online' OR w.last_seen_at IS NULL OR w.last_seen_at < u.seen)""";

    private static final String TOUCH_AGENTS = """
            UPDATE agents a SET last_seen_at = GREATEST(a.last_seen_at, u.seen), state = 'online'
              FROM unnest(?::uuid[], ?::timestamptz[]) AS u(id, seen)
             WHERE a.id = u.id AND (a.state <> 'online' OR a.last_seen_at IS NULL OR a.last_seen_at < u.seen)""";

    private final Transactions transactions;

    PgDirectory(Transactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public Project createProject(String slug, String name) throws StoreException {
        return transactions.inTransaction("create project " + slug, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO projects (id, slug, name) VALUES (?, ?, ?) RETURNING id, slug, name, created_at")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, slug);
                ps.setString(3, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return project(rs);
                }
            }
        });
    }

    @Override
    public Optional<Project> projectBySlug(String slug) throws StoreException {
        return transactions.autoCommitted("project by slug", c ->
                one(c, "SELECT id, slug, name, created_at FROM projects WHERE slug = ?", slug, PgDirectory::project));
    }

    @Override
    public Optional<Project> projectById(UUID id) throws StoreException {
        return transactions.autoCommitted("project by id", c ->
                one(c, "SELECT id, slug, name, created_at FROM projects WHERE id = ?", id, PgDirectory::project));
    }

    @Override
    public Agent createAgent(UUID projectId, String name, String tokenHash) throws StoreException {
        return transactions.inTransaction("create agent " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO agents (id, project_id, name, token_hash) VALUES (?, ?, ?, ?) "
                            + "RETURNING id, project_id, name, revoked")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, projectId);
                ps.setString(3, name);
                ps.setString(4, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return agent(rs);
                }
            }
        });
    }

    @Override
    public Optional<Agent> agentByTokenHash(String tokenHash) throws StoreException {
        return transactions.autoCommitted("agent by token", c ->
                one(c, "SELECT id, project_id, name, revoked FROM agents WHERE token_hash = ?", tokenHash, PgDirectory::agent));
    }

    @Override
    public Optional<Agent> agentById(UUID agentId) throws StoreException {
        return transactions.autoCommitted("agent by id", c ->
                one(c, "SELECT id, project_id, name, revoked FROM agents WHERE id = ?", agentId, PgDirectory::agent));
    }

    @Override
    public void workerConnected(WorkerHello hello, Instant now) throws StoreException {
        workersConnected(List.of(new Connected(hello, now)));
    }

    @Override
    public void workersConnected(List<Connected> connects) throws StoreException {
        if (connects.isEmpty()) {
            return;
        }
        // Rows locked in agent order (stable sort: one worker's hellos keep their order), so two
        // replicas writing overlapping storms cannot deadlock on each other's agents.
        List<Connected> ordered = new ArrayList<>(connects);
        ordered.sort(Comparator.comparing((Connected c) -> c.hello().agentId()));
        transactions.inTransaction("workers connected", c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT_AGENT_WORKER)) {
                for (Connected one : ordered) {
                    WorkerHello hello = one.hello();
                    ps.setObject(1, hello.agentId());
                    ps.setObject(2, hello.projectId());
                    ps.setString(3, slot(hello.workerId()));
                    ps.setString(4, hello.role());
                    ps.setString(5, hello.framework());
                    ps.setObject(6, hello.pid());
                    ps.setObject(7, ts(hello.startedAt()));
                    ps.setObject(8, ts(one.at()));
                    ps.setObject(9, ts(one.at()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(AGENT_ONLINE)) {
                for (Connected one : ordered) {
                    WorkerHello hello = one.hello();
                    ps.setString(1, hello.protocolVersion());
                    ps.setString(2, hello.framework());
                    ps.setString(3, hello.enginesJson());
                    ps.setString(4, hello.schedulersJson());
                    ps.setString(5, hello.capabilitiesJson());
                    ps.setString(6, hello.hostJson());
                    ps.setString(7, hello.agentVersion());
                    ps.setObject(8, ts(one.at()));
                    ps.setObject(9, ts(one.at()));
                    ps.setObject(10, hello.agentId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void workerDisconnected(UUID agentId, String workerId, Instant connectedAt, Instant now)
            throws StoreException {
        transactions.inTransaction("worker disconnected", c -> {
            try (PreparedStatement ps = c.prepareStatement(WORKER_OFFLINE)) {
                ps.setObject(1, ts(now));
                ps.setObject(2, agentId);
                ps.setString(3, slot(workerId));
                ps.setObject(4, ts(connectedAt));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(AGENT_OFFLINE_IF_IDLE)) {
                ps.setObject(1, agentId);
                ps.setObject(2, ts(connectedAt));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void touch(Collection<Liveness> seen) throws StoreException {
        if (seen.isEmpty()) {
            return;
        }
        // coalesce first: many heartbeats of one slot become one row; sorted keys fix the lock order
        Map<String, Liveness> workers = new TreeMap<>();
        Map<UUID, Instant> agents = new TreeMap<>();
        for (Liveness l : seen) {
            workers.merge(l.agentId() + "/" + slot(l.workerId()), l,
                    (a, b) -> a.seenAt().isAfter(b.seenAt()) ? a : b);
            agents.merge(l.agentId(), l.seenAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
        transactions.inTransaction("touch liveness", c -> {
            String[] agentIds = new String[workers.size()];
            String[] workerIds = new String[workers.size()];
            String[] times = new String[workers.size()];
            int i = 0;
            for (Liveness l : workers.values()) {
                agentIds[i] = l.agentId().toString();
                workerIds[i] = slot(l.workerId());
                times[i++] = l.seenAt().toString();
            }
            try (PreparedStatement ps = c.prepareStatement(TOUCH_WORKERS)) {
                ps.setArray(1, c.createArrayOf("text", agentIds));
                ps.setArray(2, c.createArrayOf("text", workerIds));
                ps.setArray(3, c.createArrayOf("text", times));
                ps.executeUpdate();
            }
            String[] ids = new String[agents.size()];
            String[] agentTimes = new String[agents.size()];
            i = 0;
            for (Map.Entry<UUID, Instant> a : agents.entrySet()) {
                ids[i] = a.getKey().toString();
                agentTimes[i++] = a.getValue().toString();
            }
            try (PreparedStatement lock = c.prepareStatement(PgEventStore.LOCK_AGENTS)) {
                lock.setArray(1, c.createArrayOf("text", ids)); // in id order, as the ingest writers do
                lock.execute();
            }
            try (PreparedStatement ps = c.prepareStatement(TOUCH_AGENTS)) {
                ps.setArray(1, c.createArrayOf("text", ids));
                ps.setArray(2, c.createArrayOf("text", agentTimes));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static final String RECORD_DEPTHS = """
            INSERT INTO queues AS q (project_id, engine, name, pending_count)
            SELECT u.project_id, u.engine, u.name, u.depth
              FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[]) AS u(project_id, engine, name, depth)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET pending_count = EXCLUDED.pending_count""";

    @Override
    public void recordQueueDepths(Collection<QueueDepth> depths) throws StoreException {
        if (depths.isEmpty()) {
            return;
        }
        // one row per queue (the last given wins), in key order so replicas lock rows alike
        Map<String, QueueDepth> rows = new TreeMap<>();
        for (QueueDepth d : depths) {
            rows.put(d.projectId() + "\u0000" + d.engine() + "\u0000" + d.queue(), d);
        }
        int n = rows.size();
        String[] projects = new String[n];
        String[] engines = new String[n];
        String[] names = new String[n];
        Integer[] counts = new Integer[n];
        int i = 0;
        for (QueueDepth d : rows.values()) {
            projects[i] = d.projectId().toString();
            engines[i] = d.engine();
            names[i] = d.queue();
            counts[i++] = d.pendingCount();
        }
        transactions.inTransaction("record queue depths", c -> {
            try (PreparedStatement ps = c.prepareStatement(RECORD_DEPTHS)) {
                ps.setArray(1, c.createArrayOf("text", projects));
                ps.setArray(2, c.createArrayOf("text", engines));
                ps.setArray(3, c.createArrayOf("text", names));
                ps.setArray(4, c.createArrayOf("int4", counts));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int markStaleOffline(Instant cutoff) throws StoreException {
        return transactions.inTransaction("mark stale offline", c -> {
            int changed = update(c, """
                    UPDATE agent_workers SET state = 'offline'
                     WHERE state = 'online' AND COALESCE(last_seen_at, last_connect_at, '-infinity') < ?""", cutoff);
            changed += update(c, """
                    UPDATE agents SET state = 'offline'
                     WHERE state = 'online' AND COALESCE(last_seen_at, last_connect_at, '-infinity') < ?""", cutoff);
            changed += update(c, """
                    UPDATE workers SET state = 'offline'
                     WHERE state = 'online' AND COALESCE(last_heartbeat, '-infinity') < ?""", cutoff);
            return changed;
        });
    }

    /**
     * Counts for one project; tasks by state as V018's triggers keep them; workersOnline counts
     * online agent worker connections (agent_workers).
     */
    @Override
    public ProjectStats stats(UUID projectId) throws StoreException {
        return transactions.inTransaction("project stats", c -> {
            long events = count(c, "SELECT count(*) FROM events WHERE project_id = ?", projectId);
            Map<String, Long> byState = new LinkedHashMap<>();
            long tasks = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    PgReadDialect.INSTANCE.keptTaskStateCounts() + " ORDER BY state")) {
                ps.setObject(1, projectId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byState.put(rs.getString(1), rs.getLong(2));
                        tasks += rs.getLong(2);
                    }
                }
            }
            long agentsOnline = count(c, "SELECT count(*) FROM agents WHERE project_id = ? AND state = 'online'", projectId);
            long workersOnline = count(c,
                    "SELECT count(*) FROM agent_workers WHERE project_id = ? AND state = 'online'", projectId);
            return new ProjectStats(events, tasks, Map.copyOf(byState), agentsOnline, workersOnline);
        });
    }

    /** The legacy single worker slot is stored as '' so the unique key dedupes it. */
    static String slot(String workerId) {
        return workerId == null ? "" : workerId;
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static <T> Optional<T> one(Connection c, String sql, Object key, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
            }
        }
    }

    private static long count(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (key != null) {
                ps.setObject(1, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int update(Connection c, String sql, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, ts(cutoff));
            return ps.executeUpdate();
        }
    }

    private static Project project(ResultSet rs) throws SQLException {
        return new Project(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), instant(rs, 4));
    }

    private static Agent agent(ResultSet rs) throws SQLException {
        return new Agent(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getBoolean(4));
    }

}
