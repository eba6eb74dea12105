package dev.z4j.brain.store.access;

import dev.z4j.brain.store.AgentRoster;
import dev.z4j.brain.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link AgentRoster} in plain SQL for both databases. */
public final class JdbcAgentRoster implements AgentRoster {
    private static final String SELECT = """
            SELECT id, project_id, name, state, protocol_version, framework_adapter, engine_adapters,
                   scheduler_adapters, capabilities, metadata, last_seen_at, last_connect_at, created_at
              FROM agents""";

    private final Sql sql;

    public JdbcAgentRoster(Sql sql) {
        this.sql = sql;
    }

    @Override
    public List<AgentRecord> ofProject(UUID projectId, int limit) throws StoreException {
        return list(SELECT + " WHERE project_id = ? ORDER BY created_at DESC, id DESC LIMIT ?", projectId, limit);
    }

    @Override
    public Optional<AgentRecord> get(UUID projectId, UUID agentId) throws StoreException {
        return list(SELECT + " WHERE project_id = ? AND id = ?", projectId, agentId).stream().findFirst();
    }

    private List<AgentRecord> list(String query, Object... args) throws StoreException {
        return sql.read("list agents", c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                sql.bind(ps, args);
                List<AgentRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AgentRecord(sql.uuid(rs, "id"), sql.uuid(rs, "project_id"), rs.getString("name"),
                                rs.getString("state"), rs.getString("protocol_version"),
                                rs.getString("framework_adapter"), rs.getString("engine_adapters"),
                                rs.getString("scheduler_adapters"), rs.getString("capabilities"),
                                rs.getString("metadata"), sql.time(rs, "last_seen_at"),
                                sql.time(rs, "last_connect_at"), sql.time(rs, "created_at")));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean delete(UUID projectId, UUID agentId) throws StoreException {
        return sql.write("delete agent", c -> Rows.update(c, sql,
                "DELETE FROM agents WHERE project_id = ? AND id = ?", projectId, agentId)) == 1;
    }
}
