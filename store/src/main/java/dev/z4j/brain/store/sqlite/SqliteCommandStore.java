package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Commands on SQLite: transitions are guarded UPDATEs on the writer, lookups run on the reader. */
final class SqliteCommandStore implements CommandStore {
    static final int MAX_ERROR_CHARS = 1024;
    static final String TIMED_OUT = "command timed out before agent responded";

    private static final String COLUMNS = """
            id, project_id, agent_id, action, target, parameters, timeout_seconds, issued_by, status,
            issued_at, dispatched_at, finished_at, timeout_at, result, error, dispatched_to, acked_at""";

    private static final String SELECT = "SELECT " + COLUMNS + " FROM commands ";

    // A taken key inserts and returns nothing; the SELECT in the same transaction returns the holder.
    private static final String INSERT = """
            INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds, issued_by,
                                  status, issued_at, timeout_at, idempotency_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
            ON CONFLICT (project_id, idempotency_key) DO NOTHING
            RETURNING\s""" + COLUMNS;

    // INSERT's row, stored only if the agent qualifies (insertForAgent): the same parameters, then
    // the agent's id, its project and whether an offline agent will do. The WHERE also keeps
    // SQLite from reading ON CONFLICT as a join constraint of the SELECT.
    private static final String INSERT_FOR_AGENT = """
            INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds, issued_by,
                                  status, issued_at, timeout_at, idempotency_key)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?
             WHERE EXISTS (SELECT 1 FROM agents a
                            WHERE a.id = ? AND a.project_id = ? AND a.revoked = 0 AND (? OR a.state = 'online'))
            ON CONFLICT (project_id, idempotency_key) DO NOTHING
            RETURNING\s""" + COLUMNS;

    private static final String CLAIM = """
            UPDATE commands SET status = 'dispatched', dispatched_at = ?1, dispatched_to = ?3
             WHERE id = ?2 AND status = 'pending' AND timeout_at > ?1
            RETURNING\s""" + COLUMNS;

    private static final String RELEASE = """
            UPDATE commands SET status = 'pending', dispatched_at = NULL, dispatched_to = NULL
             WHERE id = ?1 AND status = 'dispatched' AND dispatched_to = ?2 AND acked_at IS NULL""";

    // An ack may reach us after a release put the command back to pending: it is the agent's anyway.
    private static final String ACKNOWLEDGE = """
            UPDATE commands SET acked_at = ?1, status = 'dispatched', dispatched_at = coalesce(dispatched_at, ?1)
             WHERE id = ?2 AND project_id = ?3 AND agent_id = ?4 AND status IN ('pending', 'dispatched')
               AND acked_at IS NULL""";

    private static final String UNACKED_FOR_AGENTS = SELECT + """
            WHERE agent_id IN (SELECT value FROM json_each(?1)) AND status = 'dispatched' AND acked_at IS NULL
              AND dispatched_at < ?2 AND timeout_at > ?3
            ORDER BY dispatched_at, id LIMIT ?4""";

    // The agent ids arrive as one JSON array so any number of them fits one statement.
    private static final String PENDING_FOR_AGENTS = SELECT + """
            WHERE agent_id IN (SELECT value FROM json_each(?1)) AND status = 'pending' AND timeout_at > ?2
            ORDER BY issued_at, id LIMIT ?3""";

    private static final String LIST = SELECT + """
            WHERE project_id = ?1 AND (?2 IS NULL OR status = ?2)
            ORDER BY issued_at DESC, id DESC LIMIT ?3""";

    private static final String FINISH = """
            UPDATE commands SET status = ?1, finished_at = ?2, result = ?3, error = ?4
             WHERE id = ?5 AND project_id = ?6 AND agent_id = ?7 AND status IN ('pending', 'dispatched')""";

    private static final String EXPIRE = """
            UPDATE commands SET status = 'timeout', finished_at = ?1, error = ?2
             WHERE status IN ('pending', 'dispatched') AND timeout_at <= ?1
            RETURNING\s""" + COLUMNS;

    private final LockedConnection writer;
    private final LockedConnection reader;

    SqliteCommandStore(LockedConnection writer, LockedConnection reader) {
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public Command insert(NewCommand command, Instant now) throws StoreException {
        return store(command, now, null).orElseThrow(); // without a guard, a row or the key's holder
    }

    @Override
    public Optional<Command> insertForAgent(NewCommand command, boolean evenIfOffline, Instant now)
            throws StoreException {
        return store(command, now, evenIfOffline);
    }

    /** INSERT, or INSERT_FOR_AGENT when {@code evenIfOffline} is given; then the key's holder if nothing was stored. */
    private Optional<Command> store(NewCommand command, Instant now, Boolean evenIfOffline) throws StoreException {
        long issuedAt = Micros.of(now);
        return writer.inTransaction("inserting command " + command.action(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement(evenIfOffline == null ? INSERT : INSERT_FOR_AGENT)) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, command.projectId().toString());
                insert.setString(3, command.agentId().toString());
                insert.setString(4, command.action());
                insert.setString(5, jsonObject(command.targetJson()));
                insert.setString(6, jsonObject(command.parametersJson()));
                insert.setInt(7, command.timeoutSeconds());
                insert.setString(8, command.issuedBy());
                insert.setLong(9, issuedAt);
                insert.setLong(10, Math.addExact(issuedAt, command.timeoutSeconds() * 1_000_000L));
                insert.setString(11, command.idempotencyKey());
                if (evenIfOffline != null) {
                    insert.setString(12, command.agentId().toString());
                    insert.setString(13, command.projectId().toString());
                    insert.setBoolean(14, evenIfOffline);
                }
                List<Command> inserted = rows(insert);
                if (!inserted.isEmpty()) {
                    return Optional.of(inserted.getFirst());
                }
            }
            if (command.idempotencyKey() == null) {
                return Optional.empty(); // the agent did not qualify
            }
            try (PreparedStatement existing = connection.prepareStatement(
                    SELECT + "WHERE project_id = ? AND idempotency_key = ?")) {
                existing.setString(1, command.projectId().toString());
                existing.setString(2, command.idempotencyKey());
                return rows(existing).stream().findFirst();
            }
        });
    }

    @Override
    public Optional<Command> get(UUID id) throws StoreException {
        return reader.read("reading command", connection -> {
            try (PreparedStatement query = connection.prepareStatement(SELECT + "WHERE id = ?")) {
                query.setString(1, id.toString());
                return rows(query).stream().findFirst();
            }
        });
    }

    @Override
    public List<Command> list(UUID projectId, String status, int limit) throws StoreException {
        requirePositive(limit);
        return reader.read("listing commands", connection -> {
            try (PreparedStatement query = connection.prepareStatement(LIST)) {
                query.setString(1, projectId.toString());
                query.setString(2, status);
                query.setInt(3, limit);
                return rows(query);
            }
        });
    }

    @Override
    public Optional<Command> claim(UUID id, String socket, Instant now) throws StoreException {
        long at = Micros.of(now);
        return writer.inTransaction("claiming command", connection -> {
            try (PreparedStatement update = connection.prepareStatement(CLAIM)) {
                update.setLong(1, at);
                update.setString(2, id.toString());
                update.setString(3, socket);
                return rows(update).stream().findFirst();
            }
        });
    }

    @Override
    public boolean release(UUID id, String socket) throws StoreException {
        return writer.inTransaction("releasing command", connection -> {
            try (PreparedStatement update = connection.prepareStatement(RELEASE)) {
                update.setString(1, id.toString());
                update.setString(2, socket);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean acknowledge(UUID id, UUID projectId, UUID agentId, Instant now) throws StoreException {
        long at = Micros.of(now);
        return writer.inTransaction("acknowledging command", connection -> {
            try (PreparedStatement update = connection.prepareStatement(ACKNOWLEDGE)) {
                update.setLong(1, at);
                update.setString(2, id.toString());
                update.setString(3, projectId.toString());
                update.setString(4, agentId.toString());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Command> unackedForAgents(Collection<UUID> agentIds, Instant dispatchedBefore, int limit)
            throws StoreException {
        requirePositive(limit);
        if (agentIds.isEmpty()) {
            return List.of();
        }
        String ids = agentIds.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
        long before = Micros.of(dispatchedBefore);
        long now = Micros.of(Instant.now());
        return reader.read("reading unacknowledged commands", connection -> {
            try (PreparedStatement query = connection.prepareStatement(UNACKED_FOR_AGENTS)) {
                query.setString(1, ids);
                query.setLong(2, before);
                query.setLong(3, now);
                query.setInt(4, limit);
                return rows(query);
            }
        });
    }

    @Override
    public List<Command> pendingForAgent(UUID agentId, int limit) throws StoreException {
        return pendingForAgents(List.of(agentId), limit);
    }

    @Override
    public List<Command> pendingForAgents(Collection<UUID> agentIds, int limit) throws StoreException {
        requirePositive(limit);
        if (agentIds.isEmpty()) {
            return List.of();
        }
        // Canonical UUID strings need no JSON escaping.
        String ids = agentIds.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
        long now = Micros.of(Instant.now());
        return reader.read("reading pending commands", connection -> {
            try (PreparedStatement query = connection.prepareStatement(PENDING_FOR_AGENTS)) {
                query.setString(1, ids);
                query.setLong(2, now);
                query.setInt(3, limit);
                return rows(query);
            }
        });
    }

    @Override
    public boolean finish(UUID id, UUID projectId, UUID agentId, boolean success, String resultJson, String error,
                          Instant now) throws StoreException {
        long at = Micros.of(now);
        return writer.inTransaction("finishing command", connection -> {
            try (PreparedStatement update = connection.prepareStatement(FINISH)) {
                update.setString(1, success ? COMPLETED : FAILED);
                update.setLong(2, at);
                update.setString(3, resultJson);
                update.setString(4, Text.cut(error, MAX_ERROR_CHARS));
                update.setString(5, id.toString());
                update.setString(6, projectId.toString());
                update.setString(7, agentId.toString());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Command> expire(Instant now) throws StoreException {
        long at = Micros.of(now);
        List<Command> expired = writer.inTransaction("expiring commands", connection -> {
            try (PreparedStatement update = connection.prepareStatement(EXPIRE)) {
                update.setLong(1, at);
                update.setString(2, TIMED_OUT);
                return rows(update);
            }
        });
        // RETURNING has no ORDER BY in SQLite; sort like PostgreSQL does.
        List<Command> sorted = new ArrayList<>(expired);
        sorted.sort(Comparator.comparing(Command::issuedAt).thenComparing(c -> c.id().toString()));
        return sorted;
    }

    private static List<Command> rows(PreparedStatement statement) throws SQLException {
        List<Command> out = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                out.add(new Command(UUID.fromString(rs.getString(1)), UUID.fromString(rs.getString(2)),
                        UUID.fromString(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7),
                        rs.getString(8), rs.getString(9), instant(rs, 10), instant(rs, 11), instant(rs, 12),
                        instant(rs, 13), rs.getString(14), rs.getString(15), rs.getString(16), instant(rs, 17)));
            }
        }
        return out;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Micros.toInstant(micros);
    }

    // A command without target or parameters still has the JSON object the frame needs.
    private static String jsonObject(String json) {
        return json == null ? "{}" : json;
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, was " + limit);
        }
    }
}
