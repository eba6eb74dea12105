package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.protocol.Frame;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A test agent streams real signed batches into a real brain; acks, rows and task states are right. */
class IngestEndToEndTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void batchesAreStoredProjectedAndAckedWithCounts(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, Map.of());
             TestAgent agent = brain.newAgent("e2e-agent").connect(brain.port()).handshake()) {
            assertThat(agent.helloAck().heartbeatIntervalSeconds()).isEqualTo(10);
            assertThat(agent.helloAck().agentId()).isEqualTo(agent.agentId);

            Instant t0 = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
            int tasks = 20;
            for (int i = 0; i < tasks; i++) {
                agent.sendBatch("ev_" + i, TestAgent.lifecycle("task-" + i, t0.plusMillis(i)));
            }
            // One frame with a bad event (no engine) among good ones: the bad one is rejected alone.
            List<Map<String, Object>> mixed = new ArrayList<>(TestAgent.lifecycle("task-mixed", t0));
            Map<String, Object> bad = TestAgent.taskEvent("task-bad", "task.received", t0, Map.of());
            bad.remove("engine");
            mixed.add(bad);
            agent.sendBatch("ev_mixed", mixed);
            agent.sendHeartbeat();

            await().atMost(Duration.ofSeconds(20)).until(() -> agent.acks().size() == tasks + 1);
            for (int i = 0; i < tasks; i++) {
                assertThat(agent.acksFor("ev_" + i)).singleElement()
                        .isEqualTo(new Frame.EventBatchAck("ev_" + i, 3, 3, 0));
            }
            assertThat(agent.acksFor("ev_mixed")).singleElement()
                    .isEqualTo(new Frame.EventBatchAck("ev_mixed", 4, 3, 1));
            assertThat(agent.errors()).as("every brain frame verified on the agent side").isEmpty();

            assertThat(brain.count("SELECT count(*) FROM events")).isEqualTo(3L * (tasks + 1));
            assertThat(brain.count("SELECT count(*) FROM tasks WHERE state = 'success'")).isEqualTo(tasks + 1);
            assertThat(brain.text("SELECT worker_name FROM tasks WHERE task_id = 'task-7'")).isEqualTo("celery@host1");
            assertThat(brain.count("SELECT count(*) FROM tasks WHERE task_id = 'task-bad'")).isZero();
            var stats = brain.stats();
            assertThat(stats.get("tasks_total").asLong()).isEqualTo(tasks + 1);
            assertThat(stats.get("tasks_by_state").get("success").asLong()).isEqualTo(tasks + 1);
            assertThat(brain.metric("z4j_events_rejected_total{reason=\"missing_engine\"}")).isEqualTo(1.0);
            assertThat(brain.metric("z4j_frames_received_total{type=\"event_batch\"}")).isEqualTo(tasks + 1.0);
        }
    }

    /**
     * On PostgreSQL the brain writes through two ingest writers (Z4J_INGEST_WRITERS): six agents
     * stream at once, and each task's end arrives from another agent than its start (so from the
     * other writer, too, for some), all on one worker and one queue. Every event is stored once,
     * every task ends succeeded, the kept counts match the rows, and no write had to be retried (a
     * deadlock between the writers would have been).
     */
    @Test
    void twoWritersStoreEveryEventOnceWhenAgentsShareTasksWorkersAndQueues() throws Exception {
        int agents = 6;
        int batches = 30;
        int tasksPerBatch = 4;
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.POSTGRES, home, Map.of())) {
            List<TestAgent> connected = new ArrayList<>();
            try {
                for (int a = 0; a < agents; a++) {
                    connected.add(brain.newAgent("writer-agent-" + a).connect(brain.port()).handshake());
                }
                Instant t0 = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
                List<Thread> senders = new ArrayList<>();
                for (int a = 0; a < agents; a++) {
                    TestAgent agent = connected.get(a);
                    int own = a;
                    int previous = (a + agents - 1) % agents;
                    senders.add(Thread.ofVirtual().start(() -> {
                        for (int b = 0; b < batches; b++) {
                            List<Map<String, Object>> events = new ArrayList<>();
                            for (int k = 0; k < tasksPerBatch; k++) {
                                events.addAll(TestAgent.lifecycle("t-" + own + "-" + b + "-" + k, t0).subList(0, 2));
                                events.add(TestAgent.lifecycle("t-" + previous + "-" + b + "-" + k, t0).get(2));
                            }
                            agent.sendBatch("b-" + b, events);
                        }
                    }));
                }
                for (Thread sender : senders) {
                    sender.join();
                }
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        connected.stream().allMatch(agent -> agent.acks().size() == batches));
                for (TestAgent agent : connected) {
                    for (int b = 0; b < batches; b++) {
                        assertThat(agent.acksFor("b-" + b)).singleElement()
                                .isEqualTo(new Frame.EventBatchAck("b-" + b, 3 * tasksPerBatch, 3 * tasksPerBatch, 0));
                    }
                    assertThat(agent.errors()).isEmpty();
                }
            } finally {
                for (TestAgent agent : connected) {
                    agent.close();
                }
            }
            long tasks = (long) agents * batches * tasksPerBatch;
            assertThat(brain.count("SELECT count(*) FROM events")).isEqualTo(3 * tasks);
            assertThat(brain.count("SELECT count(*) FROM tasks WHERE state = 'success'")).isEqualTo(tasks);
            assertThat(brain.count("SELECT tasks FROM task_state_counts WHERE state = 'success'")).isEqualTo(tasks);
            assertThat(brain.count("SELECT coalesce(sum(tasks), 0) FROM task_state_counts WHERE state <> 'success'"))
                    .as("no task counted in a state it left").isZero();
            assertThat(brain.metric("z4j_pipeline_store_retries_total")).as("writes retried").isZero();
        }
    }

    @Test
    void ingestWritersDefaultToTwoOnPostgresAndMustBeOneOnSqlite() {
        assertThat(BrainConfig.fromEnv(BrainFixture.baseEnv(BrainFixture.Db.POSTGRES, home)).ingestWriters())
                .isEqualTo(2);
        Map<String, String> sqlite = BrainFixture.baseEnv(BrainFixture.Db.SQLITE, home);
        assertThat(BrainConfig.fromEnv(sqlite).ingestWriters()).isEqualTo(1);
        sqlite.put("Z4J_INGEST_WRITERS", "2");
        assertThatThrownBy(() -> BrainConfig.fromEnv(sqlite)).isInstanceOf(ConfigException.class)
                .hasMessage("Z4J_INGEST_WRITERS must be 1 with the embedded SQLite database (it takes one writer at "
                        + "a time), was 2");
        Map<String, String> postgres = BrainFixture.baseEnv(BrainFixture.Db.POSTGRES, home);
        postgres.put("Z4J_INGEST_WRITERS", "9");
        assertThatThrownBy(() -> BrainConfig.fromEnv(postgres)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Z4J_INGEST_WRITERS must be between 1 and 8");
    }

    /**
     * z4j-bare re-sends every un-acked batch on every pass: the same batch 50 times is one set of
     * rows and one ack (copies in flight share the commit's ack); a copy of a committed batch is
     * re-acked, at most once a second per batch.
     */
    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void resendStormIsOneSetOfRowsAndCopiesAreReAckedAtMostOnceASecond(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, Map.of());
             TestAgent agent = brain.newAgent("storm-agent").connect(brain.port()).handshake()) {
            List<Map<String, Object>> events = TestAgent.lifecycle("storm-task", Instant.now().minusSeconds(1));
            long started = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                agent.sendBatch("ev_storm", events); // re-signed each time: new seq, nonce, ts
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> brain.metric("z4j_batches_resent_total{outcome=\"committed\"}")
                    + brain.metric("z4j_batches_resent_total{outcome=\"in_flight\"}") == 49.0);
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            await().atMost(Duration.ofSeconds(10)).until(() -> !agent.acksFor("ev_storm").isEmpty());
            assertThat(agent.acksFor("ev_storm").get(0).accepted()).as("the first ack stored the 3 events").isEqualTo(3);
            assertThat(agent.acksFor("ev_storm").size()).as("acks for 50 copies sent within " + seconds + " s")
                    .isLessThanOrEqualTo(2 + (int) seconds);
            assertThat(agent.acksFor("ev_storm").stream().mapToLong(Frame.EventBatchAck::accepted).sum())
                    .as("exactly one copy stored its 3 events").isEqualTo(3);
            assertThat(brain.count("SELECT count(*) FROM events")).isEqualTo(3);

            // A copy of the committed batch is answered again once a second has passed since its ack.
            int acksBefore = agent.acksFor("ev_storm").size();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                agent.sendBatch("ev_storm", events);
                return agent.acksFor("ev_storm").size() > acksBefore;
            });
            Frame.EventBatchAck reAck = agent.acksFor("ev_storm").get(acksBefore);
            assertThat(reAck.accepted()).isZero();
            assertThat(reAck.rejected()).isEqualTo(3);

            // A new connection (no memory of the batch) resends it: the store dedupes it.
            agent.close();
            try (TestAgent again = new TestAgent(agent.agentId, agent.token,
                    java.util.Base64.getUrlEncoder().encodeToString(agent.projectSecret), "worker-2")
                    .connect(brain.port()).handshake()) {
                again.sendBatch("ev_storm", events);
                await().atMost(Duration.ofSeconds(10)).until(() -> again.acksFor("ev_storm").size() == 1);
                assertThat(again.acksFor("ev_storm").get(0).accepted()).isZero();
                assertThat(again.acksFor("ev_storm").get(0).rejected()).isEqualTo(3);
            }
            assertThat(brain.count("SELECT count(*) FROM events")).isEqualTo(3);
        }
    }
}
