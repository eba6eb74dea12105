package dev.z4j.brain.store.access;

import static dev.z4j.brain.store.access.Sql.micros;
import static dev.z4j.brain.store.access.Sql.orNull;

import dev.z4j.brain.store.AuditLog;
import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditLog} in plain SQL for both databases. */
public final class JdbcAuditLog implements AuditLog {
    private static final String COLUMNS = """
            id, project_id, user_id, api_key_id, action, target_type, target_id, result, outcome, event_id, metadata,
            source_ip, user_agent, occurred_at""";

    private final Sql sql;

    public JdbcAuditLog(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void record(Entry e) throws StoreException {
        sql.write("record audit", c -> Rows.update(c, sql, "INSERT INTO audit_log (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + sql.json() + ", ?, ?, ?)",
                e.id(), orNull(e.projectId()), orNull(e.userId()), orNull(e.apiKeyId()), e.action(), e.targetType(),
                orNull(e.targetId()), e.result(), orNull(e.outcome()), orNull(e.eventId()),
                e.metadataJson() == null ? "{}" : e.metadataJson(), orNull(e.sourceIp()), orNull(e.userAgent()),
                micros(e.occurredAt())));
    }

    @Override
    public List<Entry> list(Query q) throws StoreException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.projectId() != null) {
            where.append(" AND project_id = ?");
            args.add(q.projectId());
        }
        if (q.actionPrefix() != null) {
            // substr, not LIKE: no wildcard escaping, and SQLite's LIKE ignores case
            where.append(" AND substr(action, 1, ").append(q.actionPrefix().length()).append(") = ?");
            args.add(q.actionPrefix());
        }
        if (q.outcome() != null) {
            where.append(" AND outcome = ?");
            args.add(q.outcome());
        }
        if (q.userId() != null) {
            where.append(" AND user_id = ?");
            args.add(q.userId());
        }
        if (q.since() != null) {
            where.append(" AND occurred_at >= ?");
            args.add(q.since());
        }
        if (q.afterAt() != null && q.afterId() != null) {
            where.append(" AND (occurred_at < ? OR (occurred_at = ? AND id < ?))");
            args.add(q.afterAt());
            args.add(q.afterAt());
            args.add(q.afterId());
        }
        args.add(q.limit());
        String query = "SELECT " + COLUMNS + " FROM audit_log" + where + " ORDER BY occurred_at DESC, id DESC LIMIT ?";
        return sql.read("list audit", c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                sql.bind(ps, args.toArray());
                List<Entry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(sql.uuid(rs, "id"), sql.uuid(rs, "project_id"), sql.uuid(rs, "user_id"),
                                sql.uuid(rs, "api_key_id"), rs.getString("action"), rs.getString("target_type"),
                                rs.getString("target_id"), rs.getString("result"), rs.getString("outcome"),
                                sql.uuid(rs, "event_id"), rs.getString("metadata"), rs.getString("source_ip"),
                                rs.getString("user_agent"), sql.time(rs, "occurred_at")));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public long countFrom(String action, String result, String sourceIp, Instant since) throws StoreException {
        return sql.read("count audit", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM audit_log WHERE action = ? AND result = ? AND source_ip = ? AND occurred_at >= ?")) {
                sql.bind(ps, action, result, orNull(sourceIp), since);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
