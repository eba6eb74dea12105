package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteEventStoreTest {
    @TempDir
    Path home;

    @Test
    void storesEveryColumn() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Instant occurred = Instant.parse("2026-03-01T23:59:59.123456Z");
            Instant received = Instant.parse("2026-03-02T00:00:01Z");
            EventRow e = new EventRow(UUID.randomUUID(), f.projectId, f.agentId, "celery", "t-1", "task.received",
                    occurred, received, "{\"queue\":\"q\"}", null, null, null);

            assertThat(f.db.eventStore().write(List.of(e))).containsExactly(true);

            Map<String, Object> row = f.one("SELECT * FROM events");
            assertThat(row)
                    .containsEntry("project_id", f.projectId.toString())
                    .containsEntry("id", e.id().toString())
                    .containsEntry("agent_id", f.agentId.toString())
                    .containsEntry("engine", "celery")
                    .containsEntry("task_id", "t-1")
                    .containsEntry("kind", "task.received")
                    .containsEntry("occurred_at", 1772409599123456L)
                    .containsEntry("received_at", SqliteFixture.micros(received))
                    .containsEntry("received_day", received.getEpochSecond() / 86_400)
                    .containsEntry("payload", "{\"queue\":\"q\"}");
        }
    }

    @Test
    void resendingTheSameEventsInsertsNothingAlsoAfterARestart() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            List<EventRow> batch = f.plainEvents(250, SqliteFixture.T0);
            assertThat(f.db.eventStore().write(batch)).containsOnly(true);

            assertThat(f.db.eventStore().write(batch)).containsOnly(false);
            f.reopen();
            // A resend one day later (for example across midnight) is still a duplicate.
            List<EventRow> nextDay = batch.stream().map(e -> SqliteFixture.receivedAt(e, SqliteFixture.T0.plusSeconds(86_400))).toList();
            assertThat(f.db.eventStore().write(nextDay)).containsOnly(false);

            assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(250);
        }
    }

    @Test
    void ofEqualIdsInOneCallOnlyTheFirstIsInserted() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            EventRow old = f.event("a", SqliteFixture.T0);
            f.db.eventStore().write(List.of(old));
            EventRow a = f.event("a", SqliteFixture.T0);
            EventRow b = f.event("b", SqliteFixture.T0);

            boolean[] inserted = f.db.eventStore().write(List.of(a, old, b, a, b, a));

            assertThat(inserted).containsExactly(true, false, true, false, false, false);
            assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(3);
        }
    }

    @Test
    void sameIdInTwoProjectsIsTwoEvents() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            UUID other = f.directory().createProject("other", "Other").id();
            EventRow mine = f.event("a", SqliteFixture.T0);
            EventRow theirs = new EventRow(mine.id(), other, f.agentId, "celery", "", "a", SqliteFixture.T0,
                    SqliteFixture.T0, "{}", null, null, null);

            assertThat(f.db.eventStore().write(List.of(mine, theirs))).containsExactly(true, true);
        }
    }

    @Test
    void aBatchOf5000EventsIsOneWrite() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            List<EventRow> batch = new ArrayList<>(f.plainEvents(4_999, SqliteFixture.T0));
            batch.add(batch.get(1234));

            boolean[] inserted = f.db.eventStore().write(batch);

            assertThat(inserted).hasSize(5_000);
            assertThat(inserted[4_999]).isFalse();
            assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(4_999);
        }
    }

    @Test
    void oversizeEngineRefusesTheWholeBatchAsPoison() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            List<EventRow> batch = new ArrayList<>(f.plainEvents(300, SqliteFixture.T0));
            batch.add(f.received("t-1", SqliteFixture.T0));
            EventRow ok = f.event("x", SqliteFixture.T0);
            batch.add(150, new EventRow(ok.id(), ok.projectId(), ok.agentId(), "e".repeat(41), "", "x",
                    ok.occurredAt(), ok.receivedAt(), "{}", null, null, null));

            StoreException e = catchThrowableOfType(StoreException.class, () -> f.db.eventStore().write(batch));

            assertThat(e).isNotNull();
            assertThat(e.transientFailure()).isFalse();
            assertThat(f.count("SELECT count(*) FROM events")).isZero();
            assertThat(f.count("SELECT count(*) FROM tasks")).isZero();
            // The writer is usable again after the rollback.
            assertThat(f.db.eventStore().write(batch.subList(0, 10))).containsOnly(true);
        }
    }

    @Test
    void invalidJsonPayloadIsRefusedAsData() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            EventRow e = f.event("x", SqliteFixture.T0);
            EventRow bad = new EventRow(e.id(), e.projectId(), e.agentId(), "celery", "", "x", e.occurredAt(),
                    e.receivedAt(), "{not json", null, null, null);

            StoreException thrown = catchThrowableOfType(StoreException.class, () -> f.db.eventStore().write(List.of(bad)));

            assertThat(thrown.transientFailure()).isFalse();
        }
    }

    @Test
    void aWriteLockHeldElsewhereIsTransientAndTheRetrySucceeds() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home, 100)) {
            EventStore store = f.db.eventStore();
            List<EventRow> batch = f.plainEvents(5, SqliteFixture.T0);
            try (Connection other = DriverManager.getConnection(f.url());
                 Statement holder = other.createStatement()) {
                holder.execute("BEGIN IMMEDIATE");
                holder.execute("UPDATE projects SET name = 'held'");

                StoreException busy = catchThrowableOfType(StoreException.class, () -> store.write(batch));
                assertThat(busy).isNotNull();
                assertThat(busy.transientFailure()).isTrue();

                holder.execute("COMMIT");
            }
            assertThat(store.write(batch)).containsOnly(true);
            assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(5);
        }
    }
}
