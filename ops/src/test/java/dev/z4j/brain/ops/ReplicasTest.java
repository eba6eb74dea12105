package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.registry.Notice;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two brains on one PostgreSQL behave as one: commands, dashboard notices, LISTEN loss, replica loss. */
class ReplicasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    BrainFixture a;
    BrainFixture b;

    @BeforeEach
    void twoReplicas() throws Exception {
        a = BrainFixture.start(BrainFixture.Db.POSTGRES, home, Map.of());
        b = BrainFixture.replicaOf(a);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.brain().registry().healthy() && b.brain().registry().healthy());
    }

    @AfterEach
    void stop() {
        for (BrainFixture f : new BrainFixture[] {a, b}) {
            if (f != null) {
                try {
                    f.close();
                } catch (RuntimeException ignored) {
                    // already halted by the test
                }
            }
        }
    }

    private JsonNode issue(BrainFixture on, String agentId, String action, int timeoutSeconds) throws Exception {
        String body = "{\"agent_id\":\"" + agentId + "\",\"action\":\"" + action + "\","
                + "\"target\":{\"type\":\"task\",\"id\":\"celery:t1\"},"
                + "\"parameters\":{\"engine\":\"celery\",\"task_id\":\"t1\"},\"timeout_seconds\":" + timeoutSeconds + "}";
        var res = on.post("/api/v1/projects/default/commands", body, on.adminKey());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        return JSON.readTree(res.body());
    }

    private String status(BrainFixture on, String commandId) throws Exception {
        return JSON.readTree(on.get("/api/v1/commands/" + commandId, on.adminKey()).body()).get("status").asText();
    }

    @Test
    void commandIssuedOnOneReplicaReachesTheAgentOnTheOtherAndCompletes() throws Exception {
        TestAgent agent = b.newAgent("on-b").connect(b.port()).handshake();
        JsonNode cmd = issue(a, agent.agentId, "retry_task", 60);
        String id = cmd.get("id").asText();
        assertThat(cmd.get("status").asText()).isEqualTo("pending");

        await().atMost(Duration.ofSeconds(10)).until(() -> agent.commands().size() == 1);
        Frame pushed = agent.commands().get(0);
        assertThat(pushed.id()).isEqualTo(id);
        Frame.Command c = (Frame.Command) pushed.payload();
        assertThat(c.action()).isEqualTo("retry_task");
        assertThat(c.target()).containsEntry("engine", "celery"); // multi-engine agents route on it
        assertThat(c.timeoutSeconds()).isEqualTo(60);

        await().atMost(Duration.ofSeconds(10)).until(() -> status(a, id).equals("completed"));
        assertThat(status(b, id)).isEqualTo("completed");
        assertThat(agent.errors()).isEmpty();
        agent.close();
    }

    @Test
    void unknownActionsAreRefusedBeforeAnythingIsStored() throws Exception {
        TestAgent agent = a.newAgent("refuser");
        var res = a.post("/api/v1/projects/default/commands", "{\"agent_id\":\"" + agent.agentId
                + "\",\"action\":\"format_disk\",\"target\":{\"type\":\"task\"}}", a.adminKey());
        assertThat(res.statusCode()).isEqualTo(422);
        assertThat(res.body()).contains("unknown action");
        assertThat(a.count("SELECT count(*) FROM commands")).isZero();
    }

    @Test
    void commandForAnOfflineAgentWaitsForItsConnectAndAnUnclaimedOneTimesOut() throws Exception {
        TestAgent agent = a.newAgent("late-riser");
        String waiting = issue(a, agent.agentId, "cancel_task", 60).get("id").asText();
        String doomed = issue(b, a.newAgent("never-comes").agentId, "cancel_task", 1).get("id").asText();
        assertThat(status(b, waiting)).isEqualTo("pending");

        agent.connect(b.port()).handshake(); // connects to the OTHER replica
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.commands().size() == 1);
        assertThat(agent.commands().get(0).id()).isEqualTo(waiting);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(a, waiting).equals("completed"));

        await().atMost(Duration.ofSeconds(15)).until(() -> status(a, doomed).equals("timeout"));
        agent.close();
    }

    @Test
    void killedListenConnectionReconnectsAndDeliversWhatWasNotifiedMeanwhile() throws Exception {
        TestAgent agent = b.newAgent("listen-victim").silent().connect(b.port()).handshake();
        double reconnectsBefore = b.metric("z4j_registry_listen_reconnects_total");
        // Kill B's LISTEN backend, then issue on A at once: B misses the NOTIFY.
        String replicaB = ((dev.z4j.brain.registry.PostgresNotifyRegistry) b.brain().registry()).replicaId();
        assertThat(a.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE application_name = 'z4j-listen-" + replicaB + "'")).isEqualTo(1);
        String id = issue(a, agent.agentId, "cancel_task", 120).get("id").asText();

        await().atMost(Duration.ofSeconds(20)).until(() -> agent.commands().size() == 1);
        assertThat(agent.commands().get(0).id()).isEqualTo(id);
        assertThat(b.metric("z4j_registry_listen_reconnects_total")).isGreaterThan(reconnectsBefore);
        assertThat(status(a, id)).isEqualTo("dispatched");
        agent.close();
    }

    @Test
    void dashboardNoticesCrossReplicasOnceWithoutEchoAndStayInTheirProject() throws Exception {
        String other = a.brain().database().directory().createProject("other", "Other").id().toString();
        try (DashboardClient onA = DashboardClient.open(a.port(), "Bearer " + a.adminKey());
             DashboardClient onB = DashboardClient.open(b.port(), "Bearer " + a.adminKey());
             DashboardClient otherProject = DashboardClient.open(a.port(), "Bearer " + a.adminKey())) {
            onA.subscribe("default");
            onB.subscribe("default");
            otherProject.subscribe(other);
            await().atMost(Duration.ofSeconds(5)).until(() -> onA.ready() && onB.ready() && otherProject.ready());

            TestAgent agent = b.newAgent("noticed").connect(b.port()).handshake(); // captured on B
            await().atMost(Duration.ofSeconds(5)).until(() -> onA.count(Notice.AGENT_CHANGED, agent.agentId) >= 1);
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() ->
                    onA.count(Notice.AGENT_CHANGED, agent.agentId) == 1   // crossed once
                            && onB.count(Notice.AGENT_CHANGED, agent.agentId) == 1); // local, never echoed back

            agent.sendBatch("ev_dash", TestAgent.lifecycle("dash-task", Instant.now()));
            await().atMost(Duration.ofSeconds(5)).until(() -> onA.sum(Notice.TASK_CHANGED) == 3);
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() ->
                    onA.sum(Notice.TASK_CHANGED) == 3 && onB.sum(Notice.TASK_CHANGED) == 3);
            assertThat(otherProject.received()).allMatch(m -> !"event".equals(m.path("type").asText()));
            agent.close();
        }
    }

    @Test
    void dashboardTicketsAreSingleUseAndRequired() throws Exception {
        String ticket = JSON.readTree(a.post("/api/v1/dashboard/ticket", "", a.adminKey()).body()).get("ticket").asText();
        try (DashboardClient ok = DashboardClient.open(a.port(), "ticket=" + ticket)) {
            ok.subscribe("default");
            await().atMost(Duration.ofSeconds(5)).until(ok::ready);
        }
        try (DashboardClient reused = DashboardClient.open(a.port(), "ticket=" + ticket)) {
            assertThat(reused.closed().get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4401);
        }
    }

    @Test
    void reconnectToTheOtherReplicaDisplacesTheOlderSocket() throws Exception {
        TestAgent first = a.newAgent("mover", "worker-mover").connect(a.port()).handshake();
        TestAgent second = new TestAgent(first.agentId, first.token,
                Base64.getUrlEncoder().encodeToString(first.projectSecret), "worker-mover").connect(b.port()).handshake();
        assertThat(first.closeCode().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4002);
        assertThat(second.isClosed()).isFalse();
        second.close();
    }

    /** Same agent, same worker, a new socket (as a reconnecting agent process). */
    private static TestAgent reconnect(TestAgent agent, BrainFixture to) throws Exception {
        return new TestAgent(agent.agentId, agent.token, Base64.getUrlEncoder().encodeToString(agent.projectSecret),
                agent.workerId).connect(to.port()).handshake();
    }

    @Test
    void aCommandWhoseSocketDiedBeforeTheAckCompletesOnTheOtherReplica() throws Exception {
        TestAgent agent = b.newAgent("dropped").silent().connect(b.port()).handshake(); // receives, never acks
        String id = issue(a, agent.agentId, "cancel_task", 120).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.commands().size() == 1);
        assertThat(status(a, id)).isEqualTo("dispatched");

        agent.abort(); // the socket dies with the command pushed but not acknowledged
        TestAgent back = reconnect(agent, a);

        await().atMost(Duration.ofSeconds(15)).until(() -> status(a, id).equals("completed"));
        assertThat(back.commands()).extracting(Frame::id).containsExactly(id);
        assertThat(status(b, id)).isEqualTo("completed");
        back.close();
    }

    @Test
    void aCommandDispatchedByACrashedReplicaFollowsTheAgent() throws Exception {
        TestAgent agent = a.newAgent("survivor").silent().connect(a.port()).handshake();
        String id = issue(b, agent.agentId, "cancel_task", 120).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.commands().size() == 1);
        a.halt(); // the replica holding the socket and the claim is gone

        await().atMost(Duration.ofSeconds(10)).until(agent::isClosed);
        TestAgent back = reconnect(agent, b);
        await().atMost(Duration.ofSeconds(15)).until(() -> status(b, id).equals("completed"));
        assertThat(back.commands()).extracting(Frame::id).containsExactly(id);
        back.close();
    }

    @Test
    void aPendingCommandNoReplicaWasToldAboutIsPushedByThePeriodicReconcile() throws Exception {
        TestAgent agent = b.newAgent("forgotten").connect(b.port()).handshake();
        String first = issue(a, agent.agentId, "cancel_task", 120).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(a, first).equals("completed")); // connect is long done
        // Stored with the database's announcement switched off (replica mode fires no ordinary
        // trigger) and no registry call, as if the NOTIFY were lost: only the reconcile can find it.
        String stored;
        try (java.sql.Connection c = BrainFixture.jdbc(b.env)) {
            c.setAutoCommit(false);
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO commands (id, project_id, agent_id, action, target, parameters, timeout_seconds,
                                          status, issued_at, timeout_at)
                    SELECT gen_random_uuid(), p.id, ?::uuid, 'cancel_task', '{"type":"task","id":"celery:t9"}',
                           '{"task_id":"t9"}', 120, 'pending', now(), now() + interval '120 seconds'
                      FROM projects p WHERE p.slug = 'default'
                    RETURNING id""")) {
                ps.setString(1, agent.agentId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    stored = rs.getString(1);
                }
            }
            c.commit();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> status(a, stored).equals("completed"));
        assertThat(agent.commands()).extracting(Frame::id).containsExactly(first, stored);
        agent.close();
    }

    @Test
    void replicaKilledUnderLoadLosesNoAckedEventAndPendingCommandsFollowTheAgent() throws Exception {
        TestAgent agent = a.newAgent("refugee").connect(a.port()).handshake();
        Streamer streamer = new Streamer(300).start(agent);
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.acks().size() >= 30);
        a.halt();
        streamer.stop();
        await().atMost(Duration.ofSeconds(10)).until(agent::isClosed);
        agent.awaitInboundProcessed();
        Set<Integer> acked = Streamer.ackedIndexes(agent);
        Streamer.assertAckedAreStored(b::count, acked);

        String pending = issue(b, agent.agentId, "cancel_task", 120).get("id").asText();
        TestAgent moved = new TestAgent(agent.agentId, agent.token,
                Base64.getUrlEncoder().encodeToString(agent.projectSecret), agent.workerId).connect(b.port()).handshake();
        streamer.resendAll(moved);
        await().atMost(Duration.ofSeconds(60)).until(() -> moved.acks().size() == streamer.batches);
        assertThat(b.count("SELECT count(*) FROM events")).isEqualTo(3L * streamer.batches);
        await().atMost(Duration.ofSeconds(10)).until(() -> moved.commands().stream()
                .anyMatch(f -> f.id().equals(pending)));
        moved.close();
    }
}
