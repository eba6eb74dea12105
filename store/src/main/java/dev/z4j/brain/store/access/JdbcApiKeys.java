package dev.z4j.brain.store.access;

import static dev.z4j.brain.store.access.Sql.micros;
import static dev.z4j.brain.store.access.Sql.orNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.ApiKeys;
import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link ApiKeys} in plain SQL for both databases; scopes are a JSON array of strings. */
public final class JdbcApiKeys implements ApiKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECT = """
            SELECT k.id, k.user_id, k.name, k.prefix, k.scopes, k.project_id, p.slug AS project_slug, k.expires_at,
                   k.revoked_at, k.revoked_reason, k.last_used_at, k.last_used_ip, k.created_at
              FROM api_keys k LEFT JOIN projects p ON p.id = k.project_id""";

    private final Sql sql;

    public JdbcApiKeys(Sql sql) {
        this.sql = sql;
    }

    @Override
    public ApiKey create(NewApiKey key, Instant now) throws StoreException {
        UUID id = UUID.randomUUID();
        String scopes;
        try {
            scopes = JSON.writeValueAsString(key.scopes());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a list of strings always serialises
        }
        sql.write("create api key", c -> Rows.update(c, sql, "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, "
                        + "scopes, project_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, " + sql.json() + ", ?, ?, ?)",
                id, orNull(key.userId()), key.name(), key.prefix(), key.keyHash(), scopes, orNull(key.projectId()),
                orNull(micros(key.expiresAt())), micros(now)));
        return one("WHERE k.id = ?", id).orElseThrow(() -> new StoreException("api key " + id + " vanished", true, null));
    }

    @Override
    public Optional<ApiKey> byHash(String keyHash) throws StoreException {
        return one("WHERE k.key_hash = ?", keyHash);
    }

    private Optional<ApiKey> one(String where, Object arg) throws StoreException {
        return list(where, arg).stream().findFirst();
    }

    @Override
    public List<ApiKey> liveOfUser(UUID userId) throws StoreException {
        return list("WHERE k.user_id = ? AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.id", userId);
    }

    private List<ApiKey> list(String where, Object... args) throws StoreException {
        return sql.read("find api keys", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " " + where)) {
                sql.bind(ps, args);
                List<ApiKey> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(key(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean revoke(UUID keyId, UUID ownerId, String reason, Instant now) throws StoreException {
        return sql.write("revoke api key", c -> Rows.update(c, sql,
                "UPDATE api_keys SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                micros(now), orNull(reason), keyId, ownerId)) == 1;
    }

    @Override
    public void touchUsed(UUID keyId, Instant now, String ip, Duration every) throws StoreException {
        sql.write("touch api key", c -> Rows.update(c, sql,
                "UPDATE api_keys SET last_used_at = ?, last_used_ip = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                micros(now), orNull(ip), keyId, micros(now.minus(every))));
    }

    @Override
    public long count() throws StoreException {
        return sql.read("count api keys", c -> Rows.count(c, "SELECT count(*) FROM api_keys"));
    }

    @Override
    public int adoptOwnerless(UUID userId) throws StoreException {
        return sql.write("adopt installation keys", c -> Rows.update(c, sql,
                "UPDATE api_keys SET user_id = ? WHERE user_id IS NULL", userId));
    }

    private ApiKey key(ResultSet rs) throws SQLException {
        List<String> scopes;
        try {
            scopes = JSON.readValue(rs.getString("scopes"), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("api_keys.scopes is not a JSON array of strings", e);
        }
        return new ApiKey(sql.uuid(rs, "id"), sql.uuid(rs, "user_id"), rs.getString("name"), rs.getString("prefix"),
                List.copyOf(scopes), sql.uuid(rs, "project_id"), rs.getString("project_slug"),
                sql.time(rs, "expires_at"), sql.time(rs, "revoked_at"), rs.getString("revoked_reason"),
                sql.time(rs, "last_used_at"), rs.getString("last_used_ip"), sql.time(rs, "created_at"));
    }
}
