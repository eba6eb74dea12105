package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.registry.Notice;
import dev.z4j.brain.registry.Registry;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.Directory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent choice, online check and idempotency of typed commands, on a real (SQLite) store. */
class CommandIssuerTest {
    @TempDir
    Path home;
    private Database db;
    private Directory.Project project;
    private final List<CommandStore.Command> delivered = new CopyOnWriteArrayList<>();
    private final List<Notice> notices = new CopyOnWriteArrayList<>();
    private final Set<UUID> heldHere = new HashSet<>();
    private CommandIssuer issuer;

    @BeforeEach
    void open() throws Exception {
        db = Databases.open(new DatabaseConfig(null, home, 5_000, 2));
        db.migrate();
        project = db.directory().createProject("p", "P");
        Registry registry = new Registry() {
            @Override
            public void start() {}

            @Override
            public void commandIssued(CommandStore.Command command) {
                delivered.add(command);
            }

            @Override
            public void socketAccepted(UUID agentId, String workerId, Instant connectedAt) {}

            @Override
            public void agentRevoked(UUID agentId) {}

            @Override
            public void publish(Notice notice) {
                notices.add(notice);
            }

            @Override
            public boolean healthy() {
                return true;
            }

            @Override
            public void close() {}
        };
        issuer = new CommandIssuer(db.reads(), db.commands(), registry, 60, AuditTrail.NONE, Clock.systemUTC(),
                heldHere::contains);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private UUID agent(String name, boolean online) throws Exception {
        UUID id = db.directory().createAgent(project.id(), name, "hash-" + name).id();
        if (online) {
            db.directory().workerConnected(new Directory.WorkerHello(id, project.id(), "w", "task", "bare", 1,
                    Instant.now(), "2", "1.6.7", "[\"celery\"]", "[]", "{}", "{}"), Instant.now());
        }
        return id;
    }

    private CommandIntent cancel(UUID agentId, String key) {
        return new CommandIntent(Role.OPERATOR, "cancel_task", "task", "celery:t", "celery",
                Json.MAPPER.createObjectNode().put("engine", "celery").put("task_id", "t"), agentId, key);
    }

    private ProjectCaller caller(Role role) {
        return new ProjectCaller(project, role, UUID.fromString("00000000-0000-4000-8000-0000000000aa"));
    }

    @Test
    void anAgentConnectedNowhereIsA503AndNothingIsStoredOrDelivered() throws Exception {
        UUID offline = agent("offline", false);
        assertThatThrownBy(() -> issuer.issue(caller(Role.OPERATOR), cancel(offline, null)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(503);
                    assertThat(p.code()).isEqualTo("agent_offline");
                    assertThat(p.details()).containsEntry("agent_id", offline.toString());
                });
        assertThatThrownBy(() -> issuer.issue(caller(Role.OPERATOR), cancel(null, null)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("agent_offline"));
        assertThat(db.reads().commands(project.id(), null, null, 10)).isEmpty();
        assertThat(delivered).isEmpty();
    }

    @Test
    void aSocketHeldHereCountsBeforeTheAgentsTableSaysOnline() throws Exception {
        UUID justConnected = agent("just-connected", false);
        heldHere.add(justConnected);
        CommandStore.Command c = issuer.issue(caller(Role.OPERATOR), cancel(justConnected, null));
        assertThat(c.status()).isEqualTo("pending");
        assertThat(c.agentId()).isEqualTo(justConnected);
        assertThat(c.issuedBy()).isEqualTo("00000000-0000-4000-8000-0000000000aa");
        assertThat(Json.MAPPER.readTree(c.targetJson()))
                .isEqualTo(Json.MAPPER.readTree("{\"type\":\"task\",\"id\":\"celery:t\",\"engine\":\"celery\"}"));
        assertThat(delivered).extracting(CommandStore.Command::id).containsExactly(c.id());
        assertThat(notices).singleElement().satisfies(n -> assertThat(n.topic()).isEqualTo(Notice.COMMAND_CHANGED));
    }

    @Test
    void noAgentNamedPicksTheNewestOnlineOneAndAnotherProjectsAgentIsNotFound() throws Exception {
        agent("older", true);
        UUID newer = agent("newer", true);
        agent("newest-but-offline", false);
        assertThat(issuer.issue(caller(Role.OPERATOR), cancel(null, null)).agentId()).isEqualTo(newer);

        UUID stranger = db.directory().createAgent(db.directory().createProject("q", "Q").id(), "x", "hash-x").id();
        assertThatThrownBy(() -> issuer.issue(caller(Role.OPERATOR), cancel(stranger, null)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(404);
                    assertThat(p.getMessage()).isEqualTo("agent not found in this project");
                });
    }

    @Test
    void aKeyAlreadyUsedReturnsItsCommandWithoutDeliveringAgain() throws Exception {
        UUID online = agent("online", true);
        CommandStore.Command first = issuer.issue(caller(Role.OPERATOR), cancel(online, "k-1"));
        CommandStore.Command again = issuer.issue(caller(Role.OPERATOR), cancel(online, "k-1"));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(delivered).hasSize(1);
        assertThat(issuer.issue(caller(Role.OPERATOR), cancel(online, "k-2")).id()).isNotEqualTo(first.id());
    }

    @Test
    void aRoleBelowTheCommandsIsA403BeforeAnythingElse() {
        assertThatThrownBy(() -> issuer.issue(caller(Role.VIEWER), cancel(UUID.randomUUID(), null)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(403);
                    assertThat(p.details()).containsEntry("have", "viewer").containsEntry("need", "operator");
                });
    }
}
