package dev.z4j.brain.store.access;

import static dev.z4j.brain.store.access.Sql.micros;
import static dev.z4j.brain.store.access.Sql.orNull;

import dev.z4j.brain.store.Sessions;
import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link Sessions} in plain SQL for both databases. */
public final class JdbcSessions implements Sessions {
    private static final String COLUMNS = """
            id, user_id, csrf_token, remember_me, issued_at, expires_at, last_seen_at, revoked_at, ip_at_issue,
            user_agent_at_issue""";

    private final Sql sql;

    public JdbcSessions(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Session create(NewSession s, Instant now) throws StoreException {
        Instant at = micros(now);
        Session row = new Session(UUID.randomUUID(), s.userId(), s.csrfToken(), s.rememberMe(), at, micros(s.expiresAt()),
                at, null, s.ip(), s.userAgent());
        sql.write("create session", c -> Rows.update(c, sql, "INSERT INTO sessions (" + COLUMNS
                        + ", token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row.id(), row.userId(), row.csrfToken(), row.rememberMe(), row.issuedAt(), row.expiresAt(),
                row.lastSeenAt(), Sql.NullOf.TIME, orNull(row.ipAtIssue()), orNull(row.userAgentAtIssue()),
                s.tokenHash()));
        return row;
    }

    @Override
    public Optional<Session> byTokenHash(String tokenHash) throws StoreException {
        return sql.read("session by token", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM sessions WHERE token_hash = ?")) {
                sql.bind(ps, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(session(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void touch(UUID sessionId, Instant now) throws StoreException {
        sql.write("touch session", c -> Rows.update(c, sql,
                "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?", micros(now), sessionId,
                micros(now)));
    }

    @Override
    public boolean revoke(UUID sessionId, UUID userId, Instant now) throws StoreException {
        return sql.write("revoke session", c -> Rows.update(c, sql,
                "UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                micros(now), sessionId, userId)) == 1;
    }

    @Override
    public int revokeAllOfUser(UUID userId, Instant now) throws StoreException {
        return sql.write("revoke sessions", c -> Rows.update(c, sql,
                "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", micros(now), userId));
    }

    @Override
    public List<Session> liveOfUser(UUID userId, Instant now) throws StoreException {
        return sql.read("list sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM sessions"
                    + " WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY issued_at DESC, id")) {
                sql.bind(ps, userId, now);
                List<Session> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(session(rs));
                    }
                }
                return out;
            }
        });
    }

    private Session session(ResultSet rs) throws SQLException {
        return new Session(sql.uuid(rs, "id"), sql.uuid(rs, "user_id"), rs.getString("csrf_token"),
                rs.getBoolean("remember_me"), sql.time(rs, "issued_at"), sql.time(rs, "expires_at"),
                sql.time(rs, "last_seen_at"), sql.time(rs, "revoked_at"), rs.getString("ip_at_issue"),
                rs.getString("user_agent_at_issue"));
    }
}
