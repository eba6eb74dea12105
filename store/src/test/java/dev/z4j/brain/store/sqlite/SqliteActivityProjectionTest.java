package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteActivityProjectionTest {
    private static final Instant T0 = SqliteFixture.T0;

    @TempDir
    Path home;

    private static EventRow seen(SqliteFixture f, Instant occurred, Instant received) {
        EventRow e = SqliteFixture.receivedAt(f.event("worker.heartbeat", occurred), received);
        return SqliteFixture.withQueue(SqliteFixture.withWorker(e, "celery@a"), "default");
    }

    @Test
    void workersQueuesAndAgentsTakeTheNewestTimeOfABatch() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(
                    seen(f, T0.plusSeconds(3), T0.plusSeconds(10)),
                    seen(f, T0.plusSeconds(7), T0.plusSeconds(9)),
                    seen(f, T0.plusSeconds(5), T0.plusSeconds(8))));

            assertThat(f.one("SELECT state, last_heartbeat FROM workers WHERE name = 'celery@a' AND engine = 'celery'"))
                    .containsEntry("state", "online")
                    .containsEntry("last_heartbeat", SqliteFixture.micros(T0.plusSeconds(7)));
            assertThat(f.one("SELECT last_seen_at FROM queues WHERE name = 'default'"))
                    .containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(7)));
            assertThat(f.one("SELECT last_seen_at FROM agents WHERE id = ?", f.agentId.toString()))
                    .containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(10)));
        }
    }

    @Test
    void olderEventsNeverMoveTimesBackwards() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(seen(f, T0.plusSeconds(60), T0.plusSeconds(60))));
            f.execute("UPDATE workers SET state = 'offline'");

            // A replay of old buffered events: new rows, but older than what is stored.
            f.db.eventStore().write(List.of(seen(f, T0, T0.plusSeconds(1))));

            assertThat(f.one("SELECT state, last_heartbeat FROM workers"))
                    .containsEntry("state", "offline")
                    .containsEntry("last_heartbeat", SqliteFixture.micros(T0.plusSeconds(60)));
            assertThat(f.one("SELECT last_seen_at FROM queues"))
                    .containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(60)));
            assertThat(f.one("SELECT last_seen_at FROM agents"))
                    .containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(60)));

            f.db.eventStore().write(List.of(seen(f, T0.plusSeconds(61), T0.plusSeconds(61))));
            assertThat(f.one("SELECT state FROM workers")).containsEntry("state", "online");
        }
    }

    @Test
    void workersAreKeyedByProjectEngineAndName() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            EventRow celery = seen(f, T0, T0);
            EventRow rq = new EventRow(celery.id(), f.projectId, f.agentId, "rq", "", "worker.heartbeat", T0, T0,
                    "{}", null, null, "celery@a");
            f.db.eventStore().write(List.of(celery, f.event("x", T0)));
            f.db.eventStore().write(List.of(new EventRow(java.util.UUID.randomUUID(), rq.projectId(), rq.agentId(),
                    rq.engine(), "", rq.kind(), T0, T0, "{}", null, null, rq.worker())));

            assertThat(f.count("SELECT count(*) FROM workers")).isEqualTo(2);
            assertThat(f.count("SELECT count(*) FROM queues")).isEqualTo(1);
        }
    }
}
