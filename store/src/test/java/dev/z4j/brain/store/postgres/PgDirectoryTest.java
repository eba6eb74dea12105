package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.Directory.Liveness;
import dev.z4j.brain.store.Directory.WorkerHello;
import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgDirectoryTest {
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static PostgresDatabase db;
    private static Directory dir;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("directory"));
        dir = db.directory();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void projectsAndAgentsRoundTrip() throws Exception {
        Directory.Project p = dir.createProject("rt", "Round Trip");
        assertThat(dir.projectBySlug("rt")).contains(p);
        assertThat(dir.projectById(p.id())).contains(p);
        assertThat(dir.projectBySlug("missing")).isEmpty();
        assertThatThrownBy(() -> dir.createProject("rt", "again"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.transientFailure()).isFalse());

        Directory.Agent a = dir.createAgent(p.id(), "web-1", "token-hash-rt");
        assertThat(a.revoked()).isFalse();
        assertThat(dir.agentByTokenHash("token-hash-rt")).contains(a);
        assertThat(dir.agentByTokenHash("nope")).isEmpty();
    }

    /** A duplicate is a conflict; a value PostgreSQL cannot store (NUL byte, too long) is not. */
    @Test
    void refusalsSayWhetherTheRowExistsOrTheValueIsInvalid() throws Exception {
        Directory.Project p = dir.createProject("refusals", "Refusals");
        dir.createAgent(p.id(), "taken", "token-hash-refusals-1");
        assertThatThrownBy(() -> dir.createAgent(p.id(), "taken", "token-hash-refusals-2"))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e.refusal()).isEqualTo(StoreException.Refusal.CONFLICT);
                });
        assertThatThrownBy(() -> dir.createAgent(p.id(), "a\0b", "token-hash-refusals-3"))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e.refusal()).isEqualTo(StoreException.Refusal.INVALID_DATA);
                });
        assertThatThrownBy(() -> dir.projectBySlug("nul\0slug"))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e.refusal()).isEqualTo(StoreException.Refusal.INVALID_DATA);
                });
        assertThatThrownBy(() -> dir.createAgent(p.id(), "n".repeat(201), "token-hash-refusals-4"))
                .isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.refusal()).isEqualTo(StoreException.Refusal.INVALID_DATA));
    }

    private static WorkerHello hello(UUID agent, UUID project, String workerId) {
        return new WorkerHello(agent, project, workerId, "task", "celery", 123, T0, "2", "1.0.0",
                "[\"celery\"]", "[]", "{\"retry\":true}", "{\"name\":\"h1\"}");
    }

    /** A storm's hellos in one call: every worker row, every agent online, a later hello of a worker wins. */
    @Test
    void manyHellosInOneBatch() throws Exception {
        UUID project = dir.createProject("storm", "Storm").id();
        Instant at = T0.plusSeconds(3600); // later than any stale sweep of the other tests (one shared database)
        List<Directory.Connected> batch = new ArrayList<>();
        List<UUID> agents = new ArrayList<>();
        for (int a = 0; a < 30; a++) {
            UUID agent = dir.createAgent(project, "storm-" + a, "token-storm-" + a).id();
            agents.add(agent);
            for (int w = 0; w < 10; w++) {
                batch.add(new Directory.Connected(hello(agent, project, "w" + w), at));
            }
        }
        WorkerHello first = hello(agents.get(0), project, "w0");
        WorkerHello again = new WorkerHello(first.agentId(), project, "w0", "task", "celery", 999, T0, "2", "1.0.0",
                "[\"celery\"]", "[]", "{\"retry\":true}", "{\"name\":\"h2\"}");
        batch.add(new Directory.Connected(again, at.plusSeconds(1)));

        dir.workersConnected(batch);

        assertThat(dir.stats(project).workersOnline()).isEqualTo(300);
        assertThat(dir.stats(project).agentsOnline()).isEqualTo(30);
        assertThat(value("SELECT pid FROM agent_workers WHERE agent_id = ? AND worker_id = 'w0'", first.agentId()))
                .isEqualTo(999);
        assertThat(value("SELECT metadata->'host'->>'name' FROM agents WHERE id = ?", first.agentId())).isEqualTo("h2");
        assertThat(seen("SELECT last_connect_at FROM agent_workers WHERE agent_id = ? AND worker_id = 'w0'",
                first.agentId())).isEqualTo(at.plusSeconds(1));
    }

    @Test
    void connectDisconnectTouchAndStaleSweep() throws Exception {
        UUID project = dir.createProject("live", "Live").id();
        UUID agent = dir.createAgent(project, "a", "token-live").id();

        dir.workerConnected(hello(agent, project, null), T0);
        dir.workerConnected(hello(agent, project, null), T0.plusSeconds(1)); // legacy slot reconnect: same row
        dir.workerConnected(hello(agent, project, "w2"), T0.plusSeconds(1));
        assertThat(value("SELECT count(*) FROM agent_workers WHERE agent_id = ?", agent)).isEqualTo(2L);
        assertThat(value("SELECT state FROM agents WHERE id = ?", agent)).isEqualTo("online");
        assertThat(value("SELECT metadata->'host'->>'name' FROM agents WHERE id = ?", agent)).isEqualTo("h1");

        // a disconnect of an older connection of a slot that reconnected since leaves it online
        dir.workerDisconnected(agent, null, T0, T0.plusSeconds(2));
        assertThat(value("SELECT state FROM agent_workers WHERE agent_id = ? AND worker_id = ''", agent)).isEqualTo("online");
        dir.workerDisconnected(agent, null, T0.plusSeconds(1), T0.plusSeconds(2));
        assertThat(value("SELECT state FROM agent_workers WHERE agent_id = ? AND worker_id = ''", agent)).isEqualTo("offline");
        assertThat(value("SELECT state FROM agents WHERE id = ?", agent)).isEqualTo("online"); // w2 still online
        dir.workerDisconnected(agent, "w2", T0.plusSeconds(1), T0.plusSeconds(3));
        assertThat(value("SELECT state FROM agents WHERE id = ?", agent)).isEqualTo("offline");

        // heartbeats: coalesced, forward only, and they bring a wrongly-offline slot back
        dir.touch(List.of(new Liveness(agent, "w2", T0.plusSeconds(50)), new Liveness(agent, "w2", T0.plusSeconds(40)),
                new Liveness(agent, null, T0.plusSeconds(45))));
        assertThat(seen("SELECT last_seen_at FROM agent_workers WHERE agent_id = ? AND worker_id = 'w2'", agent))
                .isEqualTo(T0.plusSeconds(50));
        assertThat(seen("SELECT last_seen_at FROM agents WHERE id = ?", agent)).isEqualTo(T0.plusSeconds(50));
        assertThat(value("SELECT state FROM agents WHERE id = ?", agent)).isEqualTo("online");
        assertThat(value("SELECT state FROM agent_workers WHERE agent_id = ? AND worker_id = 'w2'", agent)).isEqualTo("online");
        dir.touch(List.of(new Liveness(agent, "w2", T0.plusSeconds(10))));
        assertThat(seen("SELECT last_seen_at FROM agent_workers WHERE agent_id = ? AND worker_id = 'w2'", agent))
                .isEqualTo(T0.plusSeconds(50));

        Directory.ProjectStats online = dir.stats(project);
        assertThat(online.agentsOnline()).isEqualTo(1);
        assertThat(online.workersOnline()).isEqualTo(2);

        int changed = dir.markStaleOffline(T0.plusSeconds(48)); // legacy slot (45 s) is stale, w2 (50 s) is not
        assertThat(changed).isEqualTo(1);
        assertThat(value("SELECT state FROM agent_workers WHERE agent_id = ? AND worker_id = ''", agent)).isEqualTo("offline");
        assertThat(dir.markStaleOffline(T0.plusSeconds(60))).isEqualTo(2); // w2 and the agent
        assertThat(dir.stats(project).agentsOnline()).isZero();
    }

    @Test
    void statsCountEventsTasksByStateAndOnline() throws Exception {
        UUID project = dir.createProject("stats", "Stats").id();
        UUID agent = dir.createAgent(project, "a", "token-stats").id();
        var store = db.eventStore();
        store.write(List.of(
                Rows.task(project, agent, "s1", "success", T0, Rows.facts("success"), null, null),
                Rows.task(project, agent, "s2", "success", T0, Rows.facts("success"), null, null),
                Rows.task(project, agent, "f1", "failure", T0, Rows.facts("failure"), null, null),
                Rows.task(project, agent, "p1", null, T0, Rows.facts(null), null, null),
                Rows.event(project, agent, "", "worker.online", T0, T0)));
        dir.workerConnected(hello(agent, project, "w1"), T0);
        Directory.ProjectStats stats = dir.stats(project);
        assertThat(stats.events()).isEqualTo(5);
        assertThat(stats.tasks()).isEqualTo(4);
        assertThat(stats.tasksByState()).isEqualTo(Map.of("success", 2L, "failure", 1L, "pending", 1L));
        assertThat(stats.agentsOnline()).isEqualTo(1);
        assertThat(stats.workersOnline()).isEqualTo(1);
    }

    private static Object value(String sql, UUID key) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getObject(1);
            }
        }
    }

    private static Instant seen(String sql, UUID key) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        }
    }
}
