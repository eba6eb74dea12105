package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Projects, agents, admin keys and liveness on SQLite: writes on the writer, lookups on the reader. */
final class SqliteDirectory implements Directory {
    private static final String UPSERT_WORKER_ONLINE = """
            INSERT INTO agent_workers (id, agent_id, project_id, worker_id, role, framework, pid, started_at,
                                       state, last_seen_at, last_connect_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'online', ?9, ?9)
            ON CONFLICT (agent_id, worker_id) DO UPDATE SET
                role = excluded.role,
                framework = excluded.framework,
                pid = excluded.pid,
                started_at = excluded.started_at,
                state = 'online',
                last_seen_at = max(coalesce(last_seen_at, ?9), ?9),
                last_connect_at = ?9
            """;

    private static final String MARK_AGENT_CONNECTED = """
            UPDATE agents SET
                state = 'online',
                protocol_version = ?2,
                framework_adapter = coalesce(?3, framework_adapter),
                engine_adapters = coalesce(?4, engine_adapters),
                scheduler_adapters = coalesce(?5, scheduler_adapters),
                capabilities = coalesce(?6, capabilities),
                metadata = json_object('host', json(coalesce(?7, 'null')), 'version', ?8),
                last_seen_at = max(coalesce(last_seen_at, ?9), ?9),
                last_connect_at = ?9,
                updated_at = ?9
            WHERE id = ?1
            """;

    // A newer connection of the same worker keeps the slot online.
    private static final String MARK_WORKER_DISCONNECTED = """
            UPDATE agent_workers SET state = 'offline', last_disconnect_at = ?4
            WHERE agent_id = ?1 AND worker_id = ?2 AND (last_connect_at IS NULL OR last_connect_at <= ?3)
            """;

    private static final String MARK_AGENT_DISCONNECTED = """
            UPDATE agents SET state = 'offline', updated_at = ?3
            WHERE id = ?1 AND state = 'online'
              AND (last_connect_at IS NULL OR last_connect_at <= ?2)
              AND NOT EXISTS (SELECT 1 FROM agent_workers WHERE agent_id = ?1 AND state = 'online')
            """;

    // A heartbeat newer than the last disconnect proves the worker is connected again.
    private static final String TOUCH_WORKER = """
            UPDATE agent_workers SET
                last_seen_at = max(coalesce(last_seen_at, ?3), ?3),
                state = CASE WHEN last_disconnect_at IS NULL OR ?3 > last_disconnect_at THEN 'online' ELSE state END
            WHERE agent_id = ?1 AND worker_id = ?2
            """;

    private static final String TOUCH_AGENT = """
            UPDATE agents SET
                last_seen_at = max(coalesce(last_seen_at, ?2), ?2),
                state = CASE WHEN EXISTS (SELECT 1 FROM agent_workers WHERE agent_id = ?1 AND state = 'online')
                             THEN 'online' ELSE state END
            WHERE id = ?1
            """;

    // Agent connections, agents and engine workers whose last sign of life is older than the cutoff.
    private static final String[] MARK_STALE = {
        "UPDATE agent_workers SET state = 'offline' WHERE state = 'online' AND last_seen_at < ?1",
        "UPDATE agents SET state = 'offline' WHERE state = 'online' AND last_seen_at < ?1",
        "UPDATE workers SET state = 'offline' WHERE state = 'online' AND last_heartbeat < ?1",
    };

    private final LockedConnection writer;
    private final LockedConnection reader;

    SqliteDirectory(LockedConnection writer, LockedConnection reader) {
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public Project createProject(String slug, String name) throws StoreException {
        Project project = new Project(UUID.randomUUID(), slug, name, now());
        writer.inTransaction("creating project " + slug, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO projects (id, slug, name, created_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, project.id().toString());
                insert.setString(2, slug);
                insert.setString(3, name);
                insert.setLong(4, Micros.of(project.createdAt()));
                return insert.executeUpdate();
            }
        });
        return project;
    }

    @Override
    public Optional<Project> projectBySlug(String slug) throws StoreException {
        return findProject("slug", slug);
    }

    @Override
    public Optional<Project> projectById(UUID id) throws StoreException {
        return findProject("id", id.toString());
    }

    private Optional<Project> findProject(String column, String value) throws StoreException {
        return reader.read("finding project", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id, slug, name, created_at FROM projects WHERE " + column + " = ?")) {
                query.setString(1, value);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new Project(UUID.fromString(rows.getString(1)), rows.getString(2),
                                    rows.getString(3), Micros.toInstant(rows.getLong(4))))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public Agent createAgent(UUID projectId, String name, String tokenHash) throws StoreException {
        Agent agent = new Agent(UUID.randomUUID(), projectId, name, false);
        long created = Micros.of(now());
        writer.inTransaction("creating agent " + name, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO agents (id, project_id, name, token_hash, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, agent.id().toString());
                insert.setString(2, projectId.toString());
                insert.setString(3, name);
                insert.setString(4, tokenHash);
                insert.setLong(5, created);
                insert.setLong(6, created);
                return insert.executeUpdate();
            }
        });
        return agent;
    }

    @Override
    public Optional<Agent> agentByTokenHash(String tokenHash) throws StoreException {
        return findAgent("token_hash", tokenHash);
    }

    @Override
    public Optional<Agent> agentById(UUID agentId) throws StoreException {
        return findAgent("id", agentId.toString());
    }

    private Optional<Agent> findAgent(String column, String value) throws StoreException {
        return reader.read("finding agent", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id, project_id, name, revoked FROM agents WHERE " + column + " = ?")) {
                query.setString(1, value);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new Agent(UUID.fromString(rows.getString(1)), UUID.fromString(rows.getString(2)),
                                    rows.getString(3), rows.getInt(4) != 0))
                            : Optional.empty();
                }
            }
        });
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
        writer.inTransaction("recording worker hellos", connection -> {
            try (PreparedStatement worker = connection.prepareStatement(UPSERT_WORKER_ONLINE);
                 PreparedStatement agent = connection.prepareStatement(MARK_AGENT_CONNECTED)) {
                for (Connected one : connects) {
                    WorkerHello hello = one.hello();
                    long at = Micros.of(one.at());
                    worker.setString(1, UUID.randomUUID().toString());
                    worker.setString(2, hello.agentId().toString());
                    worker.setString(3, hello.projectId().toString());
                    worker.setString(4, slot(hello.workerId()));
                    worker.setObject(5, hello.role());
                    worker.setObject(6, hello.framework());
                    worker.setObject(7, hello.pid());
                    worker.setObject(8, Micros.ofNullable(hello.startedAt()));
                    worker.setLong(9, at);
                    worker.executeUpdate();

                    agent.setString(1, hello.agentId().toString());
                    agent.setObject(2, hello.protocolVersion());
                    agent.setObject(3, hello.framework());
                    agent.setObject(4, hello.enginesJson());
                    agent.setObject(5, hello.schedulersJson());
                    agent.setObject(6, hello.capabilitiesJson());
                    agent.setObject(7, hello.hostJson());
                    agent.setObject(8, hello.agentVersion());
                    agent.setLong(9, at);
                    agent.executeUpdate();
                }
                return null;
            }
        });
    }

    @Override
    public void workerDisconnected(UUID agentId, String workerId, Instant connectedAt, Instant now)
            throws StoreException {
        writer.inTransaction("recording worker disconnect", connection -> {
            try (PreparedStatement worker = connection.prepareStatement(MARK_WORKER_DISCONNECTED);
                 PreparedStatement agent = connection.prepareStatement(MARK_AGENT_DISCONNECTED)) {
                worker.setString(1, agentId.toString());
                worker.setString(2, slot(workerId));
                worker.setLong(3, Micros.of(connectedAt));
                worker.setLong(4, Micros.of(now));
                worker.executeUpdate();

                agent.setString(1, agentId.toString());
                agent.setLong(2, Micros.of(connectedAt));
                agent.setLong(3, Micros.of(now));
                return agent.executeUpdate();
            }
        });
    }

    @Override
    public void touch(Collection<Liveness> seen) throws StoreException {
        if (seen.isEmpty()) {
            return;
        }
        // Coalesce to the newest time per key, in a fixed order.
        Map<String, Long> agents = new TreeMap<>();
        Map<Map.Entry<String, String>, Long> workers = new LinkedHashMap<>();
        for (Liveness l : seen) {
            long at = Micros.of(l.seenAt());
            agents.merge(l.agentId().toString(), at, Math::max);
            workers.merge(Map.entry(l.agentId().toString(), slot(l.workerId())), at, Math::max);
        }
        writer.inTransaction("recording heartbeats", connection -> {
            try (PreparedStatement worker = connection.prepareStatement(TOUCH_WORKER);
                 PreparedStatement agent = connection.prepareStatement(TOUCH_AGENT)) {
                for (Map.Entry<Map.Entry<String, String>, Long> w : workers.entrySet()) {
                    worker.setString(1, w.getKey().getKey());
                    worker.setString(2, w.getKey().getValue());
                    worker.setLong(3, w.getValue());
                    worker.addBatch();
                }
                worker.executeBatch();
                for (Map.Entry<String, Long> a : agents.entrySet()) {
                    agent.setString(1, a.getKey());
                    agent.setLong(2, a.getValue());
                    agent.addBatch();
                }
                agent.executeBatch();
                return null;
            }
        });
    }

    private static final String RECORD_DEPTH = """
            INSERT INTO queues (id, project_id, engine, name, pending_count, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
            ON CONFLICT (project_id, engine, name) DO UPDATE SET pending_count = ?5, updated_at = ?6
            """;

    @Override
    public void recordQueueDepths(Collection<QueueDepth> depths) throws StoreException {
        if (depths.isEmpty()) {
            return;
        }
        Map<String, QueueDepth> rows = new TreeMap<>();
        for (QueueDepth d : depths) {
            rows.put(d.projectId() + "\u0000" + d.engine() + "\u0000" + d.queue(), d);
        }
        long at = Micros.of(now());
        writer.inTransaction("recording queue depths", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(RECORD_DEPTH)) {
                for (QueueDepth d : rows.values()) {
                    upsert.setString(1, UUID.randomUUID().toString());
                    upsert.setString(2, d.projectId().toString());
                    upsert.setString(3, d.engine());
                    upsert.setString(4, d.queue());
                    upsert.setInt(5, d.pendingCount());
                    upsert.setLong(6, at);
                    upsert.addBatch();
                }
                return upsert.executeBatch().length;
            }
        });
    }

    @Override
    public int markStaleOffline(Instant cutoff) throws StoreException {
        long cutoffMicros = Micros.of(cutoff);
        return writer.inTransaction("marking stale agents offline", connection -> {
            int changed = 0;
            for (String sql : MARK_STALE) {
                try (PreparedStatement update = connection.prepareStatement(sql)) {
                    update.setLong(1, cutoffMicros);
                    changed += update.executeUpdate();
                }
            }
            return changed;
        });
    }

    @Override
    public ProjectStats stats(UUID projectId) throws StoreException {
        String project = projectId.toString();
        return reader.read("reading project stats", connection -> {
            Map<String, Long> byState = new TreeMap<>();
            long tasks = 0;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT state, count(*) FROM tasks WHERE project_id = ? GROUP BY state")) {
                query.setString(1, project);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        byState.put(rows.getString(1), rows.getLong(2));
                        tasks += rows.getLong(2);
                    }
                }
            }
            return new ProjectStats(
                    count(connection, "SELECT count(*) FROM events WHERE project_id = ?", project),
                    tasks,
                    Map.copyOf(byState),
                    count(connection, "SELECT count(*) FROM agents WHERE project_id = ? AND state = 'online'", project),
                    count(connection, "SELECT count(*) FROM agent_workers WHERE project_id = ? AND state = 'online'", project));
        });
    }

    private static long count(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            if (parameter != null) {
                query.setString(1, parameter);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    // The legacy single slot (null worker id) is stored as '' so UNIQUE(agent_id, worker_id) dedupes it.
    private static String slot(String workerId) {
        return workerId == null ? "" : workerId;
    }

    private static Instant now() {
        // Stored with microsecond precision; truncate so returned records equal what a read returns.
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
