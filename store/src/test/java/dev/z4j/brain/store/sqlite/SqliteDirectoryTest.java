package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.Directory.Liveness;
import dev.z4j.brain.store.Directory.WorkerHello;
import dev.z4j.brain.store.StoreException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDirectoryTest {
    private static final Instant T0 = SqliteFixture.T0;

    @TempDir
    Path home;

    private static WorkerHello hello(SqliteFixture f, String workerId) {
        return new WorkerHello(f.agentId, f.projectId, workerId, "task", "django", 123, T0.minusSeconds(5), "2",
                "1.4.0", "[\"celery\"]", "[]", "{\"cancel\":true}", "{\"name\":\"h1\"}");
    }

    private static Map<String, Object> workerRow(SqliteFixture f, String workerId) {
        return f.one("SELECT * FROM agent_workers WHERE agent_id = ? AND worker_id = ?", f.agentId.toString(), workerId);
    }

    private static Object agentState(SqliteFixture f) {
        return f.one("SELECT state FROM agents WHERE id = ?", f.agentId.toString()).get("state");
    }

    /** A storm's hellos in one call: every worker row online, a later hello of the same worker wins. */
    @Test
    void manyHellosInOneBatch() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            List<Directory.Connected> batch = new ArrayList<>();
            for (int w = 0; w < 200; w++) {
                batch.add(new Directory.Connected(hello(f, "w" + w), T0));
            }
            WorkerHello again = new WorkerHello(f.agentId, f.projectId, "w0", "task", "django", 999,
                    T0.minusSeconds(5), "2", "1.4.0", "[\"celery\"]", "[]", "{\"cancel\":true}", "{\"name\":\"h2\"}");
            batch.add(new Directory.Connected(again, T0.plusSeconds(1)));

            f.directory().workersConnected(batch);

            assertThat(f.one("SELECT count(*) AS n FROM agent_workers WHERE agent_id = ? AND state = 'online'",
                    f.agentId.toString()).get("n")).isEqualTo(200L);
            assertThat(workerRow(f, "w0").get("pid")).isEqualTo(999L);
            assertThat(agentState(f)).isEqualTo("online");
        }
    }

    /** A duplicate is a conflict; a value the schema refuses (CHECK on length) is not. */
    @Test
    void refusalsSayWhetherTheRowExistsOrTheValueIsInvalid() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            Directory.Project p = d.createProject("refusals", "Refusals");
            d.createAgent(p.id(), "taken", "token-hash-refusals-1");
            assertThatThrownBy(() -> d.createAgent(p.id(), "taken", "token-hash-refusals-2"))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.transientFailure()).isFalse();
                        assertThat(e.refusal()).isEqualTo(StoreException.Refusal.CONFLICT);
                    });
            assertThatThrownBy(() -> d.createAgent(p.id(), "n".repeat(201), "token-hash-refusals-3"))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.transientFailure()).isFalse();
                        assertThat(e.refusal()).isEqualTo(StoreException.Refusal.INVALID_DATA);
                    });
        }
    }

    @Test
    void projectsAndAgentsRoundTrip() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            Directory.Project project = d.createProject("shop", "Shop");
            assertThat(d.projectBySlug("shop")).contains(project);
            assertThat(d.projectById(project.id())).contains(project);
            assertThat(d.projectBySlug("nope")).isEmpty();
            assertThatThrownBy(() -> d.createProject("shop", "Again"))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.transientFailure()).isFalse());

            Directory.Agent agent = d.createAgent(project.id(), "web-1", "sha256:abc");
            assertThat(d.agentByTokenHash("sha256:abc")).contains(agent);
            assertThat(agent.revoked()).isFalse();
            assertThat(d.agentByTokenHash("sha256:other")).isEmpty();
        }
    }

    @Test
    void helloMarksWorkerAndAgentOnlineAndTheLegacySlotIsOneRow() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.directory().workerConnected(hello(f, null), T0);
            f.directory().workerConnected(hello(f, null), T0.plusSeconds(1));

            assertThat(f.count("SELECT count(*) FROM agent_workers")).isEqualTo(1);
            assertThat(workerRow(f, "")).containsEntry("state", "online").containsEntry("role", "task")
                    .containsEntry("pid", 123L).containsEntry("last_connect_at", SqliteFixture.micros(T0.plusSeconds(1)));
            assertThat(f.one("SELECT * FROM agents WHERE id = ?", f.agentId.toString()))
                    .containsEntry("state", "online")
                    .containsEntry("protocol_version", "2")
                    .containsEntry("engine_adapters", "[\"celery\"]")
                    .containsEntry("metadata", "{\"host\":{\"name\":\"h1\"},\"version\":\"1.4.0\"}");
        }
    }

    @Test
    void disconnectTakesTheAgentOfflineOnlyWhenNoWorkerIsLeftAndNoNewerConnectHappened() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            d.workerConnected(hello(f, "w1"), T0);
            d.workerConnected(hello(f, "w2"), T0);

            d.workerDisconnected(f.agentId, "w1", T0, T0.plusSeconds(10));
            assertThat(workerRow(f, "w1")).containsEntry("state", "offline");
            assertThat(agentState(f)).isEqualTo("online");

            // w2 reconnected at T0+20; the old connection's late disconnect must not take it down.
            d.workerConnected(hello(f, "w2"), T0.plusSeconds(20));
            d.workerDisconnected(f.agentId, "w2", T0, T0.plusSeconds(21));
            assertThat(workerRow(f, "w2")).containsEntry("state", "online");
            assertThat(agentState(f)).isEqualTo("online");

            d.workerDisconnected(f.agentId, "w2", T0.plusSeconds(20), T0.plusSeconds(30));
            assertThat(agentState(f)).isEqualTo("offline");
        }
    }

    @Test
    void touchMovesLastSeenForwardOnlyAndRevivesWronglyOfflineWorkers() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            d.workerConnected(hello(f, "w1"), T0);
            assertThat(d.markStaleOffline(T0.plusSeconds(1))).isEqualTo(2);
            assertThat(workerRow(f, "w1")).containsEntry("state", "offline");

            d.touch(List.of(new Liveness(f.agentId, "w1", T0.plusSeconds(50)),
                    new Liveness(f.agentId, "w1", T0.plusSeconds(40))));
            assertThat(workerRow(f, "w1")).containsEntry("state", "online")
                    .containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(50)));
            assertThat(f.one("SELECT state, last_seen_at FROM agents WHERE id = ?", f.agentId.toString()))
                    .containsEntry("state", "online")
                    .containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(50)));

            d.touch(List.of(new Liveness(f.agentId, "w1", T0.plusSeconds(45))));
            assertThat(workerRow(f, "w1")).containsEntry("last_seen_at", SqliteFixture.micros(T0.plusSeconds(50)));
        }
    }

    @Test
    void aHeartbeatFlushedAfterTheDisconnectLeavesTheWorkerOffline() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            d.workerConnected(hello(f, "w1"), T0);
            d.workerDisconnected(f.agentId, "w1", T0, T0.plusSeconds(10));

            d.touch(List.of(new Liveness(f.agentId, "w1", T0.plusSeconds(9))));

            assertThat(workerRow(f, "w1")).containsEntry("state", "offline");
            assertThat(agentState(f)).isEqualTo("offline");
        }
    }

    @Test
    void markStaleOfflineLeavesFreshOnesOnline() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            d.workerConnected(hello(f, "old"), T0);
            d.workerConnected(hello(f, "new"), T0.plusSeconds(100));

            assertThat(d.markStaleOffline(T0.plusSeconds(50))).isEqualTo(1);
            assertThat(workerRow(f, "old")).containsEntry("state", "offline");
            assertThat(workerRow(f, "new")).containsEntry("state", "online");
            assertThat(agentState(f)).isEqualTo("online");
        }
    }

    @Test
    void statsCountEventsTasksByStateAndWhatIsOnline() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(List.of(f.received("a", T0), f.succeeded("a", T0.plusSeconds(1)),
                    f.received("b", T0), f.failed("c", T0, "e", "t"), f.event("worker.online", T0)));
            f.directory().workerConnected(hello(f, "w1"), T0);
            f.directory().workerConnected(hello(f, "w2"), T0);
            UUID other = f.directory().createProject("other", "Other").id();

            Directory.ProjectStats stats = f.directory().stats(f.projectId);

            assertThat(stats.events()).isEqualTo(5);
            assertThat(stats.tasks()).isEqualTo(3);
            assertThat(stats.tasksByState()).containsOnly(Map.entry("success", 1L), Map.entry("received", 1L),
                    Map.entry("failure", 1L));
            assertThat(stats.agentsOnline()).isEqualTo(1);
            assertThat(stats.workersOnline()).isEqualTo(2);
            assertThat(f.directory().stats(other)).isEqualTo(new Directory.ProjectStats(0, 0, Map.of(), 0, 0));
        }
    }

    @Test
    void concurrentTouchesFromEightThreadsAllApply() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Directory d = f.directory();
            for (int w = 0; w < 8; w++) {
                d.workerConnected(hello(f, "w" + w), T0);
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String worker = "w" + t;
                    done.add(pool.submit(() -> {
                        for (int i = 1; i <= 50; i++) {
                            d.touch(List.of(new Liveness(f.agentId, worker, T0.plusSeconds(i))));
                            d.stats(f.projectId);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(f.count("SELECT count(*) FROM agent_workers WHERE last_seen_at = ?", SqliteFixture.micros(T0.plusSeconds(50))))
                    .isEqualTo(8);
        }
    }
}
