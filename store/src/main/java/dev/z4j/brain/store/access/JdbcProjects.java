package dev.z4j.brain.store.access;

import static dev.z4j.brain.store.access.Sql.micros;
import static dev.z4j.brain.store.access.Sql.orNull;

import dev.z4j.brain.store.Projects;
import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link Projects} in plain SQL for both databases. */
public final class JdbcProjects implements Projects {
    // Rows made before the operator schema have no updated_at on SQLite: created_at stands in.
    private static final String SELECT = """
            SELECT p.id, p.slug, p.name, p.description, p.environment, p.timezone, p.retention_days, p.is_active,
                   p.default_scheduler_owner, p.allowed_schedulers, p.created_at,
                   COALESCE(p.updated_at, p.created_at) AS updated_at
              FROM projects p""";

    private final Sql sql;

    public JdbcProjects(Sql sql) {
        this.sql = sql;
    }

    @Override
    public List<ProjectRecord> active(int limit) throws StoreException {
        return list(SELECT + " WHERE p.is_active = TRUE ORDER BY p.name, p.id LIMIT ?", limit);
    }

    @Override
    public List<ProjectRecord> activeOfMember(UUID userId, int limit) throws StoreException {
        return list(SELECT + " JOIN memberships m ON m.project_id = p.id"
                + " WHERE m.user_id = ? AND p.is_active = TRUE ORDER BY p.name, p.id LIMIT ?", userId, limit);
    }

    @Override
    public Optional<ProjectRecord> bySlug(String slug) throws StoreException {
        return list(SELECT + " WHERE p.slug = ?", slug).stream().findFirst();
    }

    @Override
    public Optional<ProjectRecord> byId(UUID id) throws StoreException {
        return list(SELECT + " WHERE p.id = ?", id).stream().findFirst();
    }

    private List<ProjectRecord> list(String query, Object... args) throws StoreException {
        return sql.read("list projects", c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                sql.bind(ps, args);
                List<ProjectRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(project(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public ProjectRecord create(ProjectRecord p) throws StoreException {
        sql.write("create project", c -> Rows.update(c, sql, "INSERT INTO projects (id, slug, name, description, "
                        + "environment, timezone, retention_days, is_active, default_scheduler_owner, allowed_schedulers, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " + sql.json() + ", ?, ?)",
                p.id(), p.slug(), p.name(), orNull(p.description()), p.environment(), p.timezone(), p.retentionDays(),
                p.active(), p.defaultSchedulerOwner(), orNull(p.allowedSchedulersJson()), micros(p.createdAt()),
                micros(p.updatedAt())));
        return byId(p.id()).orElseThrow(() -> new StoreException("project " + p.id() + " vanished", true, null));
    }

    @Override
    public ProjectRecord update(ProjectRecord p, Instant now) throws StoreException {
        sql.write("update project", c -> Rows.update(c, sql, "UPDATE projects SET slug = ?, name = ?, description = ?, "
                        + "environment = ?, timezone = ?, retention_days = ?, is_active = ?, default_scheduler_owner = ?, "
                        + "allowed_schedulers = " + sql.json() + ", updated_at = ? WHERE id = ?",
                p.slug(), p.name(), orNull(p.description()), p.environment(), p.timezone(), p.retentionDays(),
                p.active(), p.defaultSchedulerOwner(), orNull(p.allowedSchedulersJson()), micros(now), p.id()));
        return byId(p.id()).orElseThrow(() -> new StoreException("project " + p.id() + " vanished", true, null));
    }

    private ProjectRecord project(ResultSet rs) throws SQLException {
        return new ProjectRecord(sql.uuid(rs, "id"), rs.getString("slug"), rs.getString("name"),
                rs.getString("description"), rs.getString("environment"), rs.getString("timezone"),
                rs.getInt("retention_days"), rs.getBoolean("is_active"), rs.getString("default_scheduler_owner"),
                rs.getString("allowed_schedulers"), sql.time(rs, "created_at"), sql.time(rs, "updated_at"));
    }
}
