package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Commands on PostgreSQL: every transition is one guarded UPDATE. Stateless, hence thread-safe. */
final class PgCommandStore implements CommandStore {
    static final int MAX_ERROR_CHARS = 1024;
    static final String TIMED_OUT = "command timed out before agent responded";

    private static final String COLUMNS = """
            id, project_id, agent_id, action, target::text, parameters::text, timeout_seconds, issued_by, status,
            issued_at, dispatched_at, finished_at, timeout_at, result::text, error, dispatched_to, acked_at""";

    private static final String SELECT = "SELECT " + COLUMNS + " FROM commands ";

    // A taken key yields no row here; the follow-up SELECT (a new snapshot) then sees the winner.
    private static final String INSERT = """
            INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds, issued_by,
                                  status, issued_at, timeout_at, idempotency_key)
            VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, 'pending', ?, ?, ?)
            ON CONFLICT (project_id, idempotency_key) DO NOTHING
            RETURNING\s""" + COLUMNS;

    // INSERT's row, stored only if the agent qualifies (insertForAgent): the same parameters, then
    // the agent's id, its project and whether an offline agent will do.
    private static final String INSERT_FOR_AGENT = """
            INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds, issued_by,
                                  status, issued_at, timeout_at, idempotency_key)
            SELECT ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, 'pending', ?, ?, ?
             WHERE EXISTS (SELECT 1 FROM agents a
                            WHERE a.id = ? AND a.project_id = ? AND NOT a.revoked AND (? OR a.state = 'online'))
            ON CONFLICT (project_id, idempotency_key) DO NOTHING
            RETURNING\s""" + COLUMNS;

    private static final String BY_KEY = SELECT + "WHERE project_id = ? AND idempotency_key = ?";

    private static final String CLAIM = """
            UPDATE commands SET status = 'dispatched', dispatched_at = ?, dispatched_to = ?
             WHERE id = ? AND status = 'pending' AND timeout_at > ?
            RETURNING\s""" + COLUMNS;

    private static final String RELEASE = """
            UPDATE commands SET status = 'pending', dispatched_at = NULL, dispatched_to = NULL
             WHERE id = ? AND status = 'dispatched' AND dispatched_to = ? AND acked_at IS NULL""";

    // An ack may reach us after a release put the command back to pending: it is the agent's anyway.
    private static final String ACKNOWLEDGE = """
            UPDATE commands SET acked_at = ?, status = 'dispatched', dispatched_at = coalesce(dispatched_at, ?)
             WHERE id = ? AND project_id = ? AND agent_id = ? AND status IN ('pending', 'dispatched')
               AND acked_at IS NULL""";

    private static final String UNACKED_FOR_AGENTS = SELECT + """
             WHERE agent_id = ANY (?::uuid[]) AND status = 'dispatched' AND acked_at IS NULL
               AND dispatched_at < ? AND timeout_at > ?
             ORDER BY dispatched_at, id LIMIT ?""";

    private static final String PENDING_FOR_AGENTS = SELECT + """
             WHERE agent_id = ANY (?::uuid[]) AND status = 'pending' AND timeout_at > ?
             ORDER BY issued_at, id LIMIT ?""";

    private static final String LIST = SELECT + """
             WHERE project_id = ? AND (?::text IS NULL OR status = ?)
             ORDER BY issued_at DESC, id DESC LIMIT ?""";

    private static final String FINISH = """
            UPDATE commands SET status = ?, finished_at = ?, result = ?::jsonb, error = ?
             WHERE id = ? AND project_id = ? AND agent_id = ? AND status IN ('pending', 'dispatched')""";

    private static final String EXPIRE = """
            WITH expired AS (
                UPDATE commands SET status = 'timeout', finished_at = ?, error = ?
                 WHERE status IN ('pending', 'dispatched') AND timeout_at <= ?
                RETURNING\s""" + COLUMNS + """
            )
            SELECT * FROM expired ORDER BY issued_at, id""";

    private final Transactions transactions;

    PgCommandStore(Transactions transactions) {
        this.transactions = transactions;
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
        Instant issuedAt = micros(now);
        return transactions.autoCommitted("insert command " + command.action(), c -> {
            try (PreparedStatement ps = c.prepareStatement(evenIfOffline == null ? INSERT : INSERT_FOR_AGENT)) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, command.projectId());
                ps.setObject(3, command.agentId());
                ps.setString(4, command.action());
                ps.setString(5, jsonObject(command.targetJson()));
                ps.setString(6, jsonObject(command.parametersJson()));
                ps.setInt(7, command.timeoutSeconds());
                ps.setString(8, command.issuedBy());
                ps.setObject(9, ts(issuedAt));
                ps.setObject(10, ts(issuedAt.plusSeconds(command.timeoutSeconds())));
                ps.setString(11, command.idempotencyKey());
                if (evenIfOffline != null) {
                    ps.setObject(12, command.agentId());
                    ps.setObject(13, command.projectId());
                    ps.setBoolean(14, evenIfOffline);
                }
                List<Command> inserted = rows(ps);
                if (!inserted.isEmpty()) {
                    return Optional.of(inserted.getFirst());
                }
            }
            if (command.idempotencyKey() == null) {
                return Optional.empty(); // the agent did not qualify
            }
            try (PreparedStatement ps = c.prepareStatement(BY_KEY)) {
                ps.setObject(1, command.projectId());
                ps.setString(2, command.idempotencyKey());
                return rows(ps).stream().findFirst();
            }
        });
    }

    @Override
    public Optional<Command> get(UUID id) throws StoreException {
        return transactions.autoCommitted("get command", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE id = ?")) {
                ps.setObject(1, id);
                return rows(ps).stream().findFirst();
            }
        });
    }

    @Override
    public List<Command> list(UUID projectId, String status, int limit) throws StoreException {
        requirePositive(limit);
        return transactions.autoCommitted("list commands", c -> {
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                ps.setObject(1, projectId);
                ps.setString(2, status);
                ps.setString(3, status);
                ps.setInt(4, limit);
                return rows(ps);
            }
        });
    }

    @Override
    public Optional<Command> claim(UUID id, String socket, Instant now) throws StoreException {
        OffsetDateTime at = ts(micros(now));
        return transactions.autoCommitted("claim command", c -> {
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                ps.setObject(1, at);
                ps.setString(2, socket);
                ps.setObject(3, id);
                ps.setObject(4, at);
                return rows(ps).stream().findFirst();
            }
        });
    }

    @Override
    public boolean release(UUID id, String socket) throws StoreException {
        return transactions.autoCommitted("release command", c -> {
            try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
                ps.setObject(1, id);
                ps.setString(2, socket);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean acknowledge(UUID id, UUID projectId, UUID agentId, Instant now) throws StoreException {
        OffsetDateTime at = ts(micros(now));
        return transactions.autoCommitted("acknowledge command", c -> {
            try (PreparedStatement ps = c.prepareStatement(ACKNOWLEDGE)) {
                ps.setObject(1, at);
                ps.setObject(2, at);
                ps.setObject(3, id);
                ps.setObject(4, projectId);
                ps.setObject(5, agentId);
                return ps.executeUpdate() == 1;
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
        String[] ids = agentIds.stream().map(UUID::toString).toArray(String[]::new);
        OffsetDateTime before = ts(micros(dispatchedBefore));
        OffsetDateTime now = ts(micros(Instant.now()));
        return transactions.autoCommitted("unacked commands", c -> {
            try (PreparedStatement ps = c.prepareStatement(UNACKED_FOR_AGENTS)) {
                ps.setArray(1, c.createArrayOf("text", ids));
                ps.setObject(2, before);
                ps.setObject(3, now);
                ps.setInt(4, limit);
                return rows(ps);
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
        String[] ids = agentIds.stream().map(UUID::toString).toArray(String[]::new);
        OffsetDateTime now = ts(micros(Instant.now()));
        return transactions.autoCommitted("pending commands", c -> {
            try (PreparedStatement ps = c.prepareStatement(PENDING_FOR_AGENTS)) {
                ps.setArray(1, c.createArrayOf("text", ids));
                ps.setObject(2, now);
                ps.setInt(3, limit);
                return rows(ps);
            }
        });
    }

    @Override
    public boolean finish(UUID id, UUID projectId, UUID agentId, boolean success, String resultJson, String error,
                          Instant now) throws StoreException {
        return transactions.autoCommitted("finish command", c -> {
            try (PreparedStatement ps = c.prepareStatement(FINISH)) {
                ps.setString(1, success ? COMPLETED : FAILED);
                ps.setObject(2, ts(micros(now)));
                ps.setString(3, resultJson);
                ps.setString(4, cut(error));
                ps.setObject(5, id);
                ps.setObject(6, projectId);
                ps.setObject(7, agentId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Command> expire(Instant now) throws StoreException {
        OffsetDateTime at = ts(micros(now));
        return transactions.autoCommitted("expire commands", c -> {
            try (PreparedStatement ps = c.prepareStatement(EXPIRE)) {
                ps.setObject(1, at);
                ps.setString(2, TIMED_OUT);
                ps.setObject(3, at);
                return rows(ps);
            }
        });
    }

    private static List<Command> rows(PreparedStatement ps) throws SQLException {
        List<Command> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Command(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                        instant(rs, 10), instant(rs, 11), instant(rs, 12), instant(rs, 13), rs.getString(14),
                        rs.getString(15), rs.getString(16), instant(rs, 17)));
            }
        }
        return out;
    }

    // A command without target or parameters still has the JSON object the frame needs.
    private static String jsonObject(String json) {
        return json == null ? "{}" : json;
    }

    /** Cuts to MAX_ERROR_CHARS without splitting a surrogate pair. */
    static String cut(String s) {
        if (s == null || s.length() <= MAX_ERROR_CHARS) {
            return s;
        }
        return s.substring(0, Character.isHighSurrogate(s.charAt(MAX_ERROR_CHARS - 1)) ? MAX_ERROR_CHARS - 1 : MAX_ERROR_CHARS);
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, was " + limit);
        }
    }

    // timestamptz keeps microseconds; truncating here makes returned values equal what was asked for.
    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
