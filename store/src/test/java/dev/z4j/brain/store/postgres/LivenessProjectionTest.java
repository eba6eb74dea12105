package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LivenessProjectionTest {
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static PostgresDatabase db;
    private static UUID project;
    private static UUID agent;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("liveness"));
        project = db.directory().createProject("live", "Live").id();
        agent = db.directory().createAgent(project, "a1", "hash-live").id();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static EventRow seen(String worker, String queue, Instant occurred, Instant received) {
        return new EventRow(UUID.randomUUID(), project, agent, "celery", "", "worker.heartbeat", occurred, received,
                "{}", null, queue, worker);
    }

    @Test
    void workersQueuesAndAgentMoveForwardOnly() throws Exception {
        db.eventStore().write(List.of(
                seen("celery@a", "q1", T0.minusSeconds(30), T0.minusSeconds(20)),
                seen("celery@a", "q1", T0.minusSeconds(10), T0.minusSeconds(5)),
                seen("celery@b", null, T0.minusSeconds(40), T0.minusSeconds(5))));
        assertThat(at("SELECT last_heartbeat FROM workers WHERE name = 'celery@a'")).isEqualTo(T0.minusSeconds(10));
        assertThat(at("SELECT last_heartbeat FROM workers WHERE name = 'celery@b'")).isEqualTo(T0.minusSeconds(40));
        assertThat(text("SELECT state FROM workers WHERE name = 'celery@a'")).isEqualTo("online");
        assertThat(at("SELECT last_seen_at FROM queues WHERE name = 'q1'")).isEqualTo(T0.minusSeconds(10));
        assertThat(at("SELECT last_seen_at FROM agents WHERE id = '" + agent + "'")).isEqualTo(T0.minusSeconds(5));

        // a replay of old buffered events must not move anything backwards
        db.eventStore().write(List.of(seen("celery@a", "q1", T0.minusSeconds(300), T0.minusSeconds(200))));
        assertThat(at("SELECT last_heartbeat FROM workers WHERE name = 'celery@a'")).isEqualTo(T0.minusSeconds(10));
        assertThat(at("SELECT last_seen_at FROM queues WHERE name = 'q1'")).isEqualTo(T0.minusSeconds(10));
        assertThat(at("SELECT last_seen_at FROM agents WHERE id = '" + agent + "'")).isEqualTo(T0.minusSeconds(5));

        db.eventStore().write(List.of(seen("celery@a", "q1", T0, T0.plusSeconds(1))));
        assertThat(at("SELECT last_heartbeat FROM workers WHERE name = 'celery@a'")).isEqualTo(T0);
        assertThat(at("SELECT last_seen_at FROM queues WHERE name = 'q1'")).isEqualTo(T0);
        assertThat(at("SELECT last_seen_at FROM agents WHERE id = '" + agent + "'")).isEqualTo(T0.plusSeconds(1));
    }

    private static Instant at(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static String text(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
