package dev.z4j.brain.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.CommandStore.Command;
import dev.z4j.brain.store.CommandStore.NewCommand;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CommandStore behaviour both databases must share. Tests share one database, so each test
 * works in its own project and agents; the sweeper tests use their own far-past clock so that
 * {@code expire} only reaches their rows.
 */
public abstract class CommandStoreContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    protected UUID project;
    protected UUID agent;
    protected UUID otherAgent;

    protected abstract Database db();

    protected CommandStore commands() {
        return db().commands();
    }

    @BeforeEach
    void newProjectAndAgents() throws StoreException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        project = db().directory().createProject("cmd-" + suffix, "Commands").id();
        agent = db().directory().createAgent(project, "a-" + suffix, "hash-a-" + suffix).id();
        otherAgent = db().directory().createAgent(project, "b-" + suffix, "hash-b-" + suffix).id();
    }

    protected NewCommand command(UUID agentId, int timeoutSeconds, String idempotencyKey) {
        return new NewCommand(project, agentId, "retry_task", "{\"type\":\"task\",\"id\":\"celery:t-1\",\"engine\":\"celery\"}",
                "{\"args\":[1,2],\"kwargs\":{\"b\":{\"x\":null},\"a\":1.5}}", timeoutSeconds, "admin@example.com",
                idempotencyKey);
    }

    @Test
    void insertGetAndListRoundTripAtMicrosecondPrecision() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusNanos(123_456_789);
        Command c = commands().insert(command(agent, 60, null), now);

        assertThat(c.id()).isNotNull();
        assertThat(c.projectId()).isEqualTo(project);
        assertThat(c.agentId()).isEqualTo(agent);
        assertThat(c.action()).isEqualTo("retry_task");
        assertThat(c.status()).isEqualTo(CommandStore.PENDING);
        assertThat(c.timeoutSeconds()).isEqualTo(60);
        assertThat(c.issuedBy()).isEqualTo("admin@example.com");
        assertThat(c.issuedAt()).isEqualTo(now.truncatedTo(ChronoUnit.MICROS));
        assertThat(c.timeoutAt()).isEqualTo(c.issuedAt().plusSeconds(60));
        assertThat(c.dispatchedAt()).isNull();
        assertThat(c.dispatchedTo()).isNull();
        assertThat(c.ackedAt()).isNull();
        assertThat(c.finishedAt()).isNull();
        assertThat(c.resultJson()).isNull();
        assertThat(c.error()).isNull();
        assertThat(json(c.targetJson())).isEqualTo(json(command(agent, 60, null).targetJson()));
        assertThat(json(c.parametersJson())).isEqualTo(json(command(agent, 60, null).parametersJson()));

        assertThat(commands().get(c.id())).contains(c);
        assertThat(commands().get(UUID.randomUUID())).isEmpty();

        Command newer = commands().insert(command(otherAgent, 60, null), now.plusSeconds(1));
        commands().claim(newer.id(), "socket-1", now.plusSeconds(2));
        assertThat(commands().list(project, null, 10)).extracting(Command::id).containsExactly(newer.id(), c.id());
        assertThat(commands().list(project, null, 1)).extracting(Command::id).containsExactly(newer.id());
        assertThat(commands().list(project, CommandStore.PENDING, 10)).containsExactly(c);
        assertThat(commands().list(project, CommandStore.DISPATCHED, 10)).extracting(Command::id).containsExactly(newer.id());
        assertThat(commands().list(UUID.randomUUID(), null, 10)).isEmpty();
    }

    @Test
    void missingTargetAndParametersBecomeEmptyObjects() throws Exception {
        Command c = commands().insert(new NewCommand(project, agent, "restart_worker", null, null, 30, null, null), Instant.now());
        assertThat(json(c.targetJson())).isEqualTo(json("{}"));
        assertThat(json(c.parametersJson())).isEqualTo(json("{}"));
        assertThat(c.issuedBy()).isNull();
    }

    @Test
    void anIdempotencyKeyReturnsTheExistingCommandOfItsProject() throws Exception {
        Instant now = Instant.now();
        Command first = commands().insert(command(agent, 60, "fire-42"), now);
        Command again = commands().insert(command(otherAgent, 120, "fire-42"), now.plusSeconds(5));
        assertThat(again).isEqualTo(first);

        UUID otherProject = db().directory().createProject("other-" + UUID.randomUUID().toString().substring(0, 8), "O").id();
        Command elsewhere = commands().insert(new NewCommand(otherProject, agent, "retry_task", "{}", "{}", 60, null, "fire-42"), now);
        assertThat(elsewhere.id()).isNotEqualTo(first.id());

        Command noKey1 = commands().insert(command(agent, 60, null), now);
        Command noKey2 = commands().insert(command(agent, 60, null), now);
        assertThat(noKey1.id()).isNotEqualTo(noKey2.id());
        assertThat(commands().list(project, null, 10)).hasSize(3);
    }

    @Test
    void aCommandForAnAgentIsStoredOnlyIfTheAgentQualifiesInTheSameStatement() throws Exception {
        Instant now = Instant.now();
        UUID otherProject = db().directory().createProject("far-" + UUID.randomUUID().toString().substring(0, 8), "F").id();
        UUID stranger = db().directory().createAgent(otherProject, "far", "hash-far-" + UUID.randomUUID()).id();

        assertThat(commands().insertForAgent(command(UUID.randomUUID(), 60, null), true, now)).isEmpty();
        assertThat(commands().insertForAgent(command(stranger, 60, null), true, now)).isEmpty();
        assertThat(commands().insertForAgent(command(agent, 60, null), false, now)).as("offline agent").isEmpty();
        assertThat(commands().list(project, null, 10)).isEmpty();
        assertThat(commands().list(otherProject, null, 10)).isEmpty();

        Command anyState = commands().insertForAgent(command(agent, 60, null), true, now).orElseThrow();
        assertThat(anyState.agentId()).isEqualTo(agent);
        assertThat(anyState.status()).isEqualTo(CommandStore.PENDING);
        db().directory().workerConnected(new Directory.WorkerHello(otherAgent, project, "w0", "task", "celery", 1, now,
                "2", "1.0.0", "[\"celery\"]", "[]", "{}", "{}"), now);
        Command online = commands().insertForAgent(command(otherAgent, 60, null), false, now).orElseThrow();
        assertThat(online.agentId()).isEqualTo(otherAgent);
        assertThat(commands().list(project, null, 10)).extracting(Command::id)
                .containsExactlyInAnyOrder(anyState.id(), online.id());
    }

    @Test
    void anIdempotencyKeyAlreadyUsedReturnsItsCommandWhateverTheAgent() throws Exception {
        Instant now = Instant.now();
        Command first = commands().insertForAgent(command(agent, 60, "once"), true, now).orElseThrow();
        assertThat(commands().insertForAgent(command(UUID.randomUUID(), 60, "once"), false, now)).contains(first);
        assertThat(commands().insertForAgent(command(UUID.randomUUID(), 60, "twice"), true, now)).isEmpty();
        assertThat(commands().list(project, null, 10)).containsExactly(first);
    }

    @Test
    void concurrentClaimsHaveExactlyOneWinner() throws Exception {
        Instant now = Instant.now();
        Command c = commands().insert(command(agent, 60, null), now);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Command>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Callable<Optional<Command>> claim = () -> {
                start.await();
                return commands().claim(c.id(), "socket-1", now.plusMillis(10));
            };
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(claim));
            }
            start.countDown();
            List<Command> won = new ArrayList<>();
            for (Future<Optional<Command>> r : results) {
                r.get().ifPresent(won::add);
            }
            assertThat(won).hasSize(1);
            // the winner gets the row as claimed, to push without reading it again
            assertThat(won.getFirst().id()).isEqualTo(c.id());
            assertThat(won.getFirst().action()).isEqualTo(c.action());
            assertThat(json(won.getFirst().parametersJson())).isEqualTo(json(c.parametersJson()));
            assertThat(won.getFirst().status()).isEqualTo(CommandStore.DISPATCHED);
            assertThat(won.getFirst().dispatchedTo()).isEqualTo("socket-1");
        }
        Command claimed = commands().get(c.id()).orElseThrow();
        assertThat(claimed.status()).isEqualTo(CommandStore.DISPATCHED);
        assertThat(claimed.dispatchedAt()).isEqualTo(now.plusMillis(10).truncatedTo(ChronoUnit.MICROS));
        assertThat(claimed.dispatchedTo()).isEqualTo("socket-1");
        assertThat(commands().claim(c.id(), "socket-1", now.plusSeconds(1))).isEmpty();
        assertThat(commands().claim(UUID.randomUUID(), "socket-1", now)).isEmpty();
    }

    @Test
    void anExpiredPendingCommandCannotBeClaimed() throws Exception {
        Instant issued = Instant.now().minusSeconds(120);
        Command c = commands().insert(command(agent, 60, null), issued);
        assertThat(commands().claim(c.id(), "socket-1", issued.plusSeconds(60))).isEmpty(); // timeout_at itself is too late
        assertThat(commands().get(c.id()).orElseThrow().status()).isEqualTo(CommandStore.PENDING);
        assertThat(commands().claim(c.id(), "socket-1", issued.plusSeconds(59))).isPresent();
    }

    @Test
    void finishIsGuardedByStatusProjectAndAgent() throws Exception {
        Instant now = Instant.now();
        Command c = commands().insert(command(agent, 60, null), now);
        assertThat(commands().finish(c.id(), UUID.randomUUID(), agent, true, "{}", null, now)).isFalse();
        assertThat(commands().finish(c.id(), project, otherAgent, true, "{}", null, now)).isFalse();
        assertThat(commands().get(c.id()).orElseThrow().status()).isEqualTo(CommandStore.PENDING);

        assertThat(commands().claim(c.id(), "socket-1", now)).isPresent();
        Instant done = now.plusSeconds(3);
        assertThat(commands().finish(c.id(), project, agent, true, "{\"revoked\":true,\"n\":3}", null, done)).isTrue();
        Command completed = commands().get(c.id()).orElseThrow();
        assertThat(completed.status()).isEqualTo(CommandStore.COMPLETED);
        assertThat(completed.finishedAt()).isEqualTo(done.truncatedTo(ChronoUnit.MICROS));
        assertThat(json(completed.resultJson())).isEqualTo(json("{\"n\":3,\"revoked\":true}"));

        // a second, contradicting result changes nothing
        assertThat(commands().finish(c.id(), project, agent, false, null, "boom", done.plusSeconds(1))).isFalse();
        assertThat(commands().get(c.id())).contains(completed);

        // straight from pending (result without a prior claim) to failed
        Command d = commands().insert(command(agent, 60, null), now);
        assertThat(commands().finish(d.id(), project, agent, false, "{\"code\":1}", "worker gone", done)).isTrue();
        Command failed = commands().get(d.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(CommandStore.FAILED);
        assertThat(failed.error()).isEqualTo("worker gone");
        assertThat(json(failed.resultJson())).isEqualTo(json("{\"code\":1}"));
    }

    @Test
    void aLateResultAfterTheTimeoutIsIgnored() throws Exception {
        Instant base = Instant.parse("2002-02-02T00:00:00.000001Z");
        Command c = commands().insert(command(agent, 60, null), base);
        assertThat(commands().claim(c.id(), "socket-1", base.plusSeconds(1))).isPresent();
        assertThat(commands().expire(base.plusSeconds(61))).extracting(Command::id).contains(c.id());

        assertThat(commands().finish(c.id(), project, agent, true, "{\"ok\":true}", null, base.plusSeconds(62))).isFalse();
        Command timedOut = commands().get(c.id()).orElseThrow();
        assertThat(timedOut.status()).isEqualTo(CommandStore.TIMEOUT);
        assertThat(timedOut.resultJson()).isNull();
        assertThat(timedOut.error()).isEqualTo("command timed out before agent responded");
        assertThat(timedOut.finishedAt()).isEqualTo(base.plusSeconds(61));
    }

    @Test
    void expireReturnsExactlyThePendingAndDispatchedRowsPastTheirDeadline() throws Exception {
        Instant base = Instant.parse("2001-01-01T00:00:00.000001Z");
        Command pending = commands().insert(command(agent, 10, null), base);
        Command dispatched = commands().insert(command(otherAgent, 29, null), base.plusNanos(1_000));
        assertThat(commands().claim(dispatched.id(), "socket-1", base.plusSeconds(1))).isPresent();
        Command notYet = commands().insert(command(agent, 31, null), base);
        Command finished = commands().insert(command(agent, 10, null), base);
        assertThat(commands().finish(finished.id(), project, agent, true, "{}", null, base.plusSeconds(2))).isTrue();

        Instant sweep = base.plusSeconds(30);
        List<Command> expired = commands().expire(sweep);
        assertThat(expired).extracting(Command::id).containsExactly(pending.id(), dispatched.id());
        assertThat(expired).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(CommandStore.TIMEOUT);
            assertThat(e.finishedAt()).isEqualTo(sweep);
            assertThat(e.error()).isEqualTo("command timed out before agent responded");
        });
        assertThat(expired.get(1).dispatchedAt()).isEqualTo(base.plusSeconds(1));
        assertThat(commands().get(pending.id())).contains(expired.get(0));
        assertThat(commands().get(notYet.id()).orElseThrow().status()).isEqualTo(CommandStore.PENDING);
        assertThat(commands().get(finished.id()).orElseThrow().status()).isEqualTo(CommandStore.COMPLETED);
        assertThat(commands().expire(sweep)).isEmpty();
    }

    @Test
    void pendingForAgentIsOldestFirstLimitedAndSkipsClaimedAndExpired() throws Exception {
        Instant now = Instant.now();
        Command second = commands().insert(command(agent, 600, null), now.minusSeconds(2));
        Command first = commands().insert(command(agent, 600, null), now.minusSeconds(3));
        Command third = commands().insert(command(agent, 600, null), now.minusSeconds(1));
        Command claimed = commands().insert(command(agent, 600, null), now.minusSeconds(4));
        assertThat(commands().claim(claimed.id(), "socket-1", now)).isPresent();
        commands().insert(command(agent, 60, null), now.minusSeconds(200)); // expired, not yet swept
        Command others = commands().insert(command(otherAgent, 600, null), now.minusMillis(2_500));

        assertThat(commands().pendingForAgent(agent, 10)).extracting(Command::id)
                .containsExactly(first.id(), second.id(), third.id());
        assertThat(commands().pendingForAgent(agent, 2)).extracting(Command::id).containsExactly(first.id(), second.id());
        assertThat(commands().pendingForAgents(Set.of(agent, otherAgent), 10)).extracting(Command::id)
                .containsExactly(first.id(), others.id(), second.id(), third.id());
        assertThat(commands().pendingForAgents(List.of(otherAgent, UUID.randomUUID()), 10)).extracting(Command::id)
                .containsExactly(others.id());
        assertThat(commands().pendingForAgents(List.of(), 10)).isEmpty();
    }

    @Test
    void aReleaseReturnsAnUnacknowledgedCommandToPendingOnlyForItsOwnSocket() throws Exception {
        Instant now = Instant.now();
        Command c = commands().insert(command(agent, 60, null), now);
        assertThat(commands().release(c.id(), "socket-1")).isFalse(); // still pending: nothing to release
        assertThat(commands().claim(c.id(), "socket-1", now)).isPresent();

        assertThat(commands().release(c.id(), "socket-2")).isFalse(); // another socket's release changes nothing
        assertThat(commands().get(c.id()).orElseThrow().dispatchedTo()).isEqualTo("socket-1");

        assertThat(commands().release(c.id(), "socket-1")).isTrue();
        Command released = commands().get(c.id()).orElseThrow();
        assertThat(released.status()).isEqualTo(CommandStore.PENDING);
        assertThat(released.dispatchedTo()).isNull();
        assertThat(released.dispatchedAt()).isNull();
        assertThat(commands().pendingForAgent(agent, 10)).extracting(Command::id).containsExactly(c.id());
        assertThat(commands().release(c.id(), "socket-1")).isFalse(); // once

        // it follows the agent: another socket claims it
        assertThat(commands().claim(c.id(), "socket-2", now.plusSeconds(1))).isPresent();
        assertThat(commands().get(c.id()).orElseThrow().dispatchedTo()).isEqualTo("socket-2");
    }

    @Test
    void afterTheAgentsAckACommandIsNeverReleased() throws Exception {
        Instant now = Instant.now();
        Command c = commands().insert(command(agent, 60, null), now);
        assertThat(commands().claim(c.id(), "socket-1", now)).isPresent();
        assertThat(commands().acknowledge(c.id(), UUID.randomUUID(), agent, now)).isFalse();
        assertThat(commands().acknowledge(c.id(), project, otherAgent, now)).isFalse();

        Instant acked = now.plusMillis(5);
        assertThat(commands().acknowledge(c.id(), project, agent, acked)).isTrue();
        assertThat(commands().acknowledge(c.id(), project, agent, acked.plusSeconds(1))).isFalse(); // recorded once
        assertThat(commands().release(c.id(), "socket-1")).isFalse();
        Command owned = commands().get(c.id()).orElseThrow();
        assertThat(owned.status()).isEqualTo(CommandStore.DISPATCHED);
        assertThat(owned.ackedAt()).isEqualTo(acked.truncatedTo(ChronoUnit.MICROS));

        assertThat(commands().finish(c.id(), project, agent, true, "{}", null, now.plusSeconds(1))).isTrue();
        assertThat(commands().acknowledge(c.id(), project, agent, now.plusSeconds(2))).isFalse(); // finished
        assertThat(commands().get(c.id()).orElseThrow().status()).isEqualTo(CommandStore.COMPLETED);
    }

    @Test
    void anAckThatOvertakesAReleaseStillMakesTheCommandTheAgents() throws Exception {
        Instant now = Instant.now();
        Command c = commands().insert(command(agent, 60, null), now);
        assertThat(commands().claim(c.id(), "socket-1", now)).isPresent();
        assertThat(commands().release(c.id(), "socket-1")).isTrue();

        assertThat(commands().acknowledge(c.id(), project, agent, now.plusSeconds(1))).isTrue();
        Command owned = commands().get(c.id()).orElseThrow();
        assertThat(owned.status()).isEqualTo(CommandStore.DISPATCHED);
        assertThat(owned.dispatchedAt()).isEqualTo(now.plusSeconds(1).truncatedTo(ChronoUnit.MICROS));
        assertThat(commands().pendingForAgent(agent, 10)).isEmpty(); // not pushed again
    }

    @Test
    void unackedForAgentsListsOnlyDispatchedUnacknowledgedUnexpiredOlderThanTheCut() throws Exception {
        Instant now = Instant.now();
        Command old = commands().insert(command(agent, 600, null), now.minusSeconds(30));
        assertThat(commands().claim(old.id(), "socket-1", now.minusSeconds(20))).isPresent();
        Command older = commands().insert(command(otherAgent, 600, null), now.minusSeconds(40));
        assertThat(commands().claim(older.id(), "socket-9", now.minusSeconds(25))).isPresent();
        Command recent = commands().insert(command(agent, 600, null), now.minusSeconds(30));
        assertThat(commands().claim(recent.id(), "socket-1", now.minusSeconds(1))).isPresent();
        Command acked = commands().insert(command(agent, 600, null), now.minusSeconds(30));
        assertThat(commands().claim(acked.id(), "socket-1", now.minusSeconds(20))).isPresent();
        assertThat(commands().acknowledge(acked.id(), project, agent, now.minusSeconds(19))).isTrue();
        commands().insert(command(agent, 600, null), now.minusSeconds(30)); // pending
        Command expired = commands().insert(command(agent, 25, null), now.minusSeconds(30));
        assertThat(commands().claim(expired.id(), "socket-1", now.minusSeconds(20))).isPresent(); // timeout_at passed

        Instant cut = now.minusSeconds(10);
        assertThat(commands().unackedForAgents(Set.of(agent, otherAgent), cut, 10)).extracting(Command::id)
                .containsExactly(older.id(), old.id());
        assertThat(commands().unackedForAgents(Set.of(agent, otherAgent), cut, 1)).extracting(Command::id)
                .containsExactly(older.id());
        assertThat(commands().unackedForAgents(List.of(agent), cut, 10)).singleElement()
                .satisfies(c -> assertThat(c.dispatchedTo()).isEqualTo("socket-1"));
        assertThat(commands().unackedForAgents(List.of(), cut, 10)).isEmpty();
    }

    @Test
    void errorsAreCutTo1024CharsWithoutSplittingASurrogatePair() throws Exception {
        Instant now = Instant.now();
        Command longError = commands().insert(command(agent, 60, null), now);
        String error = "x".repeat(3_000);
        assertThat(commands().finish(longError.id(), project, agent, false, null, error, now)).isTrue();
        assertThat(commands().get(longError.id()).orElseThrow().error()).isEqualTo(error.substring(0, 1024));

        Command pair = commands().insert(command(agent, 60, null), now);
        String emoji = "y".repeat(1023) + "\uD83D\uDE00" + "z";
        assertThat(commands().finish(pair.id(), project, agent, false, null, emoji, now)).isTrue();
        assertThat(commands().get(pair.id()).orElseThrow().error()).isEqualTo("y".repeat(1023));

        Command shortError = commands().insert(command(agent, 60, null), now);
        assertThat(commands().finish(shortError.id(), project, agent, false, null, "y".repeat(1024), now)).isTrue();
        assertThat(commands().get(shortError.id()).orElseThrow().error()).hasSize(1024);
    }

    protected static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
