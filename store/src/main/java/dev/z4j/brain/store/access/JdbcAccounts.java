package dev.z4j.brain.store.access;

import static dev.z4j.brain.store.access.Sql.micros;
import static dev.z4j.brain.store.access.Sql.orNull;

import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link Accounts} in plain SQL for both databases. */
public final class JdbcAccounts implements Accounts {
    private static final String USER_COLUMNS = """
            id, email, password_hash, first_name, last_name, display_name, is_admin, is_active, timezone,
            failed_login_count, locked_until, password_changed_at, last_login_at, created_at, updated_at""";
    private static final String INSERT_USER = "INSERT INTO users (" + USER_COLUMNS + ") ";
    private static final String MEMBERSHIP_SELECT = """
            SELECT m.id, m.user_id, m.project_id, m.role, m.created_at, p.slug AS project_slug,
                   u.email AS user_email, u.display_name AS user_display_name
              FROM memberships m JOIN projects p ON p.id = m.project_id JOIN users u ON u.id = m.user_id""";

    private final Sql sql;

    public JdbcAccounts(Sql sql) {
        this.sql = sql;
    }

    @Override
    public long userCount() throws StoreException {
        return sql.read("count users", c -> Rows.count(c, "SELECT count(*) FROM users"));
    }

    @Override
    public User createUser(NewUser user, Instant now) throws StoreException {
        User row = fresh(user, now);
        sql.write("create user", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_USER + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindUser(ps, row);
                return ps.executeUpdate();
            }
        });
        return row;
    }

    @Override
    public Optional<User> createFirstUser(NewUser user, Instant now) throws StoreException {
        User row = fresh(user, now);
        int inserted = sql.write("create first user", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_USER
                    + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)")) {
                bindUser(ps, row);
                return ps.executeUpdate();
            }
        });
        return inserted == 1 ? Optional.of(row) : Optional.empty();
    }

    private static User fresh(NewUser u, Instant now) {
        Instant at = micros(now);
        return new User(UUID.randomUUID(), u.email(), u.passwordHash(), u.firstName(), u.lastName(), u.displayName(),
                u.admin(), true, u.timezone(), 0, null, at, null, at, at);
    }

    private void bindUser(PreparedStatement ps, User u) throws SQLException {
        sql.bind(ps, u.id(), u.email(), u.passwordHash(), orNull(u.firstName()), orNull(u.lastName()),
                orNull(u.displayName()), u.admin(), u.active(), u.timezone(), u.failedLogins(), orNull(u.lockedUntil()),
                orNull(u.passwordChangedAt()), orNull(u.lastLoginAt()), u.createdAt(), u.updatedAt());
    }

    @Override
    public Optional<User> userById(UUID id) throws StoreException {
        return sql.read("user by id", c -> oneUser(c, "id", id));
    }

    @Override
    public Optional<User> userByEmail(String normalisedEmail) throws StoreException {
        return sql.read("user by email", c -> oneUser(c, "email", normalisedEmail));
    }

    private Optional<User> oneUser(Connection c, String column, Object value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + USER_COLUMNS + " FROM users WHERE " + column + " = ?")) {
            sql.bind(ps, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(user(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<User> users(int limit, int offset) throws StoreException {
        return sql.read("list users", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + USER_COLUMNS + " FROM users ORDER BY created_at, id LIMIT ? OFFSET ?")) {
                sql.bind(ps, limit, offset);
                List<User> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(user(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public User updateUser(User u, Instant now) throws StoreException {
        Instant at = micros(now);
        sql.write("update user", c -> Rows.update(c, sql, """
                UPDATE users SET first_name = ?, last_name = ?, display_name = ?, is_admin = ?, is_active = ?,
                       timezone = ?, updated_at = ? WHERE id = ?""",
                orNull(u.firstName()), orNull(u.lastName()), orNull(u.displayName()), u.admin(), u.active(),
                u.timezone(), at, u.id()));
        return new User(u.id(), u.email(), u.passwordHash(), u.firstName(), u.lastName(), u.displayName(), u.admin(),
                u.active(), u.timezone(), u.failedLogins(), u.lockedUntil(), u.passwordChangedAt(), u.lastLoginAt(),
                u.createdAt(), at);
    }

    @Override
    public void setPassword(UUID userId, String passwordHash, Instant changedAt) throws StoreException {
        Instant at = micros(changedAt);
        sql.write("set password", c -> Rows.update(c, sql,
                "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?",
                passwordHash, at, at, userId));
    }

    @Override
    public void rehashPassword(UUID userId, String passwordHash) throws StoreException {
        sql.write("rehash password", c -> Rows.update(c, sql,
                "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userId));
    }

    @Override
    public int loginFailed(UUID userId, int threshold, Instant lockedUntil) throws StoreException {
        return sql.write("record login failure", c -> {
            Rows.update(c, sql, "UPDATE users SET failed_login_count = failed_login_count + 1 WHERE id = ?", userId);
            int count;
            try (PreparedStatement ps = c.prepareStatement("SELECT failed_login_count FROM users WHERE id = ?")) {
                sql.bind(ps, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    count = rs.next() ? rs.getInt(1) : 0;
                }
            }
            if (count >= threshold) {
                Rows.update(c, sql, "UPDATE users SET failed_login_count = 0, locked_until = ? WHERE id = ?",
                        micros(lockedUntil), userId);
            }
            return count;
        });
    }

    @Override
    public void loginSucceeded(UUID userId, Instant now) throws StoreException {
        sql.write("record login", c -> Rows.update(c, sql,
                "UPDATE users SET failed_login_count = 0, locked_until = ?, last_login_at = ? WHERE id = ?",
                Sql.NullOf.TIME, micros(now), userId));
    }

    @Override
    public boolean deleteUser(UUID userId) throws StoreException {
        return sql.write("delete user", c -> Rows.update(c, sql, "DELETE FROM users WHERE id = ?", userId)) == 1;
    }

    @Override
    public long activeAdminCount() throws StoreException {
        return sql.read("count admins", c -> Rows.count(c,
                "SELECT count(*) FROM users WHERE is_admin = TRUE AND is_active = TRUE"));
    }

    @Override
    public List<Membership> membershipsOfUser(UUID userId) throws StoreException {
        return memberships(MEMBERSHIP_SELECT + " WHERE m.user_id = ? AND p.is_active = TRUE ORDER BY m.created_at, m.id",
                userId);
    }

    @Override
    public List<Membership> membershipsOfProject(UUID projectId) throws StoreException {
        return memberships(MEMBERSHIP_SELECT + " WHERE m.project_id = ? ORDER BY m.created_at, m.id", projectId);
    }

    @Override
    public Optional<Membership> membership(UUID userId, UUID projectId) throws StoreException {
        return memberships(MEMBERSHIP_SELECT + " WHERE m.user_id = ? AND m.project_id = ?", userId, projectId)
                .stream().findFirst();
    }

    @Override
    public Optional<Membership> membershipById(UUID id) throws StoreException {
        return memberships(MEMBERSHIP_SELECT + " WHERE m.id = ?", id).stream().findFirst();
    }

    private List<Membership> memberships(String query, Object... args) throws StoreException {
        return sql.read("list memberships", c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                sql.bind(ps, args);
                List<Membership> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Membership(sql.uuid(rs, "id"), sql.uuid(rs, "user_id"), sql.uuid(rs, "project_id"),
                                rs.getString("role"), sql.time(rs, "created_at"), rs.getString("project_slug"),
                                rs.getString("user_email"), rs.getString("user_display_name")));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Membership addMembership(UUID userId, UUID projectId, String role, Instant now) throws StoreException {
        UUID id = UUID.randomUUID();
        sql.write("add membership", c -> Rows.update(c, sql,
                "INSERT INTO memberships (id, user_id, project_id, role, created_at) VALUES (?, ?, ?, ?, ?)",
                id, userId, projectId, role, micros(now)));
        return membershipById(id).orElseThrow(() -> new StoreException("membership " + id + " vanished", true, null));
    }

    @Override
    public void setRole(UUID membershipId, String role) throws StoreException {
        sql.write("set role", c -> Rows.update(c, sql, "UPDATE memberships SET role = ? WHERE id = ?", role, membershipId));
    }

    @Override
    public boolean removeMembership(UUID membershipId) throws StoreException {
        return sql.write("remove membership", c ->
                Rows.update(c, sql, "DELETE FROM memberships WHERE id = ?", membershipId)) == 1;
    }

    @Override
    public long projectAdminCount(UUID projectId) throws StoreException {
        return sql.read("count project admins", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM memberships WHERE project_id = ? AND role = 'admin'")) {
                sql.bind(ps, projectId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public void replaceSetupToken(String tokenHash, Instant expiresAt, Instant now) throws StoreException {
        sql.write("replace setup token", c -> {
            Rows.update(c, sql, "DELETE FROM setup_tokens");
            return Rows.update(c, sql,
                    "INSERT INTO setup_tokens (id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?)",
                    UUID.randomUUID(), tokenHash, micros(expiresAt), micros(now));
        });
    }

    @Override
    public Optional<SetupToken> setupToken(String tokenHash) throws StoreException {
        return sql.read("find setup token", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, expires_at, consumed_at FROM setup_tokens WHERE token_hash = ?")) {
                sql.bind(ps, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new SetupToken(sql.uuid(rs, "id"), sql.time(rs, "expires_at"),
                                    sql.time(rs, "consumed_at")))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean setupTokenActive(Instant now) throws StoreException {
        return sql.read("active setup token", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM setup_tokens WHERE consumed_at IS NULL AND expires_at > ?")) {
                sql.bind(ps, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            }
        });
    }

    @Override
    public boolean consumeSetupToken(UUID id, Instant now) throws StoreException {
        return sql.write("consume setup token", c -> Rows.update(c, sql,
                "UPDATE setup_tokens SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL", micros(now), id)) == 1;
    }

    private User user(ResultSet rs) throws SQLException {
        return new User(sql.uuid(rs, "id"), rs.getString("email"), rs.getString("password_hash"),
                rs.getString("first_name"), rs.getString("last_name"), rs.getString("display_name"),
                rs.getBoolean("is_admin"), rs.getBoolean("is_active"), rs.getString("timezone"),
                rs.getInt("failed_login_count"), sql.time(rs, "locked_until"), sql.time(rs, "password_changed_at"),
                sql.time(rs, "last_login_at"), sql.time(rs, "created_at"), sql.time(rs, "updated_at"));
    }
}
