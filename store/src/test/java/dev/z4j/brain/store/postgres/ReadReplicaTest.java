package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.TaskFilter;
import dev.z4j.brain.store.read.TaskView;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operator reads on a real streaming standby (PostgreSQL 17 primary + hot standby, both embedded):
 * they are answered by the standby, fresh where they must be, and by the primary whenever the
 * standby lags beyond the bound, is down, or fails in the middle of a read.
 */
class ReadReplicaTest {
    private static final String DB = "replica_reads";
    private static StandbyPair pair;

    @BeforeAll
    static void startPair() throws Exception {
        pair = StandbyPair.start();
        pair.createDatabase(DB);
        try (PostgresDatabase db = PostgresDatabase.open(config(), Duration.ofSeconds(2))) {
            db.migrate();
        }
    }

    @AfterAll
    static void stopPair() throws Exception {
        pair.close();
    }

    private static DatabaseConfig config() {
        return new DatabaseConfig(pair.primaryUrl(DB), Path.of("/tmp"), 10_000, 4);
    }

    private static PostgresDatabase open(Duration maxLag, Duration checkEvery) throws StoreException {
        return PostgresDatabase.open(config(), Duration.ofSeconds(2),
                new ReadReplicaConfig(pair.standbyUrl(DB), maxLag, checkEvery, 2));
    }

    private static ReadRouting routing(PostgresDatabase db) {
        return db.readRouting().orElseThrow();
    }

    private static void insertTask(UUID project, String taskId) throws SQLException {
        try (Connection c = pair.primaryConnection(DB); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tasks (project_id, engine, task_id, name, state, received_at, started_at) "
                        + "VALUES (?, 'celery', ?, 'app.work', 'started', now(), now())")) {
            ps.setObject(1, project);
            ps.setString(2, taskId);
            ps.execute();
        }
    }

    private static List<String> taskIds(OperatorReads reads, UUID project) throws StoreException {
        return reads.tasks(TaskFilter.all(project), null, 100).stream().map(TaskView::taskId).sorted().toList();
    }

    /**
     * Waits until the standby has replayed everything the primary wrote so far: up to its insert
     * position (zonky runs with synchronous_commit=off, so the write position may not cover the last commit).
     */
    private static void awaitCaughtUp() throws SQLException {
        String lsn;
        try (Connection c = pair.primaryConnection(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            lsn = rs.getString(1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> pair.queryStandby(
                "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn").equals("t"));
    }

    @Test
    void readsAreAnsweredByTheStandbyAndWhatMustBeFreshByThePrimary() throws Exception {
        try (PostgresDatabase db = open(Duration.ofHours(1), Duration.ofMillis(100))) {
            UUID project = db.directory().createProject("replica-" + UUID.randomUUID().toString().substring(0, 8), "R").id();
            insertTask(project, "t1");
            awaitCaughtUp();
            await().atMost(Duration.ofSeconds(10)).until(() -> routing(db).state().equals(ReadRouting.State.STANDBY));
            assertThat(taskIds(db.reads(), project)).containsExactly("t1");

            pair.pauseReplay();
            try {
                insertTask(project, "t2"); // on the primary only, while the standby does not replay
                long standbyBefore = routing(db).served(ReadRouting.Target.STANDBY);
                // The task list comes from the standby: it cannot know t2 (the primary would list it).
                assertThat(taskIds(db.reads(), project)).containsExactly("t1");
                assertThat(db.reads().task(project, "celery", "t2")).isEmpty();
                assertThat(routing(db).served(ReadRouting.Target.STANDBY)).isEqualTo(standbyBefore + 2);

                // A command issued a moment ago is read back, by id and in the list, and so is the
                // agent it went to: commands and agents read the primary.
                String suffix = UUID.randomUUID().toString().substring(0, 8);
                UUID agent = db.directory().createAgent(project, "agent-" + suffix, "hash-" + suffix).id();
                CommandStore.Command issued = db.commands().insert(new CommandStore.NewCommand(project, agent,
                        "retry_task", "{}", "{}", 60, "test", "key-" + suffix), java.time.Instant.now());
                assertThat(db.reads().command(project, issued.id())).isPresent();
                assertThat(db.reads().commandByIdempotencyKey(project, "key-" + suffix)).isPresent();
                assertThat(db.reads().commands(project, null, null, 10)).extracting(CommandStore.Command::id)
                        .containsExactly(issued.id());
                assertThat(db.reads().agent(agent)).isPresent();

                // A project created a moment ago is listed: the project list reads the primary.
                String slug = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
                db.directory().createProject(slug, "Fresh");
                assertThat(db.reads().projects(1000)).extracting(p -> p.slug()).contains(slug);

                // The operator deletes t1: that project's reads move to the primary at once (t1 is
                // gone, t2 is there), until the standby has replayed the deletion.
                TaskView t1 = db.reads().task(project, "celery", "t1").orElseThrow();
                assertThat(db.reads().deleteTasks(project, List.of(t1.id()))).isEqualTo(1);
                assertThat(taskIds(db.reads(), project)).containsExactly("t2");
                assertThat(db.reads().task(project, "celery", "t1")).isEmpty();
                // Another project still reads the standby.
                UUID other = db.directory().createProject("other-" + UUID.randomUUID().toString().substring(0, 8), "O").id();
                long standbyNow = routing(db).served(ReadRouting.Target.STANDBY);
                db.reads().tasks(TaskFilter.all(other), null, 10);
                assertThat(routing(db).served(ReadRouting.Target.STANDBY)).isEqualTo(standbyNow + 1);
            } finally {
                pair.resumeReplay();
            }
            // Once replayed, the project's reads go back to the standby.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                long before = routing(db).served(ReadRouting.Target.STANDBY);
                List<String> ids = taskIds(db.reads(), project);
                return ids.equals(List.of("t2")) && routing(db).served(ReadRouting.Target.STANDBY) == before + 1;
            });
            assertThat(routing(db).fallbacks(ReadRouting.Reason.LAG)).isZero();
        }
    }

    @Test
    void anIdlePrimaryDoesNotReadAsLagAndLagBeyondTheBoundFallsBackToThePrimary() throws Exception {
        try (PostgresDatabase db = open(Duration.ofMillis(400), Duration.ofMillis(50))) {
            UUID project = db.directory().createProject("lag-" + UUID.randomUUID().toString().substring(0, 8), "L").id();
            insertTask(project, "t1");
            awaitCaughtUp();
            // Nothing is written now: the last replayed commit ages, the lag must not.
            await().atMost(Duration.ofSeconds(10)).until(() -> routing(db).lagMillis() == 0);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> routing(db).state().equals(ReadRouting.State.STANDBY));
            assertThat(routing(db).fallbacks(ReadRouting.Reason.LAG)).isZero();

            pair.pauseReplay();
            try {
                insertTask(project, "t2");
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        routing(db).state().equals(new ReadRouting.State(ReadRouting.Target.PRIMARY, ReadRouting.Reason.LAG)));
                assertThat(routing(db).lagMillis()).isGreaterThan(400);
                assertThat(routing(db).fallbacks(ReadRouting.Reason.LAG)).isEqualTo(1);
                long primaryBefore = routing(db).served(ReadRouting.Target.PRIMARY);
                assertThat(taskIds(db.reads(), project)).containsExactly("t1", "t2"); // the primary answers
                assertThat(routing(db).served(ReadRouting.Target.PRIMARY)).isEqualTo(primaryBefore + 1);
            } finally {
                pair.resumeReplay();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> routing(db).state().equals(ReadRouting.State.STANDBY));
            assertThat(routing(db).fallbacks(ReadRouting.Reason.LAG)).isEqualTo(1); // one switch, however many checks
        }
    }

    @Test
    void aReadThatFailsOnTheStandbyIsAnsweredByThePrimaryAndTheStandbyIsUsedAgainWhenBack() throws Exception {
        // Checks only when the test asks (the first one at open), so the reads meet the failures first.
        try (PostgresDatabase db = open(Duration.ofHours(1), Duration.ofHours(1))) {
            ReadRouting routing = routing(db);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                routing.check(); // opening the pool wrote to the primary: the first check may find it catching up
                return routing.state().equals(ReadRouting.State.STANDBY);
            });

            // The standby drops the connection in the middle of the read (57P01).
            String answeredBy = routing.read("mid-read failure", c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        s.execute("SELECT pg_terminate_backend(pg_backend_pid())");
                        return "standby";
                    }
                    return "primary";
                }
            }, false);
            assertThat(answeredBy).isEqualTo("primary");
            assertThat(routing.fallbacks(ReadRouting.Reason.READ_FAILED)).isEqualTo(1);
            assertThat(routing.state()).isEqualTo(new ReadRouting.State(ReadRouting.Target.PRIMARY, ReadRouting.Reason.DOWN));
            routing.check(); // the standby itself is fine
            assertThat(routing.state()).isEqualTo(ReadRouting.State.STANDBY);

            UUID project = db.directory().createProject("down-" + UUID.randomUUID().toString().substring(0, 8), "D").id();
            insertTask(project, "t1");
            pair.stopStandby();
            try {
                assertThat(taskIds(db.reads(), project)).containsExactly("t1"); // answered, by the primary
                assertThat(routing.fallbacks(ReadRouting.Reason.READ_FAILED)).isEqualTo(2);
                assertThat(routing.fallbacks(ReadRouting.Reason.DOWN)).isEqualTo(2);
                routing.check();
                routing.check();
                assertThat(routing.state().reason()).isEqualTo(ReadRouting.Reason.DOWN);
                assertThat(routing.fallbacks(ReadRouting.Reason.DOWN)).isEqualTo(2); // still down: not counted again
                assertThat(routing.lagMillis()).isEqualTo(-1);
            } finally {
                pair.startStandby();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                routing.check();
                return routing.state().equals(ReadRouting.State.STANDBY);
            });
            long standbyBefore = routing.served(ReadRouting.Target.STANDBY);
            assertThat(taskIds(db.reads(), project)).containsExactly("t1");
            assertThat(routing.served(ReadRouting.Target.STANDBY)).isEqualTo(standbyBefore + 1);
        }
    }

    @Test
    void aReadUrlThatIsNotAStandbySendsReadsToThePrimary() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.open(config(), Duration.ofSeconds(2),
                new ReadReplicaConfig(pair.primaryUrl(DB), Duration.ofSeconds(5), Duration.ofHours(1), 2))) {
            assertThat(routing(db).state())
                    .isEqualTo(new ReadRouting.State(ReadRouting.Target.PRIMARY, ReadRouting.Reason.NOT_STANDBY));
            assertThat(routing(db).fallbacks(ReadRouting.Reason.NOT_STANDBY)).isEqualTo(1);
        }
    }

    @Test
    void theReadUrlIsValidatedUpFrontNamingTheSetting() {
        assertThatThrownBy(() -> ReadReplicaConfig.of("mysql://h/db", Duration.ofSeconds(5), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Z4J_DATABASE_READ_URL: must start with postgresql:// or jdbc:postgresql://");
        assertThatThrownBy(() -> ReadReplicaConfig.of("postgresql://h", Duration.ofSeconds(5), 2))
                .hasMessage("Z4J_DATABASE_READ_URL: has no database name (expected .../DBNAME)");
        ReadReplicaConfig replica = ReadReplicaConfig.of("postgresql://u:s3cret@h/db", Duration.ofSeconds(5), 2);
        assertThat(replica.checkEvery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReadReplicaConfig.of("postgresql://h/db", Duration.ofMillis(400), 2).checkEvery())
                .isEqualTo(Duration.ofMillis(80));
        assertThat(replica.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> Databases.open(new DatabaseConfig(null, Path.of("/tmp"), 1000, 2), replica))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Z4J_DATABASE_READ_URL needs Z4J_DATABASE_URL (PostgreSQL)");
    }
}
