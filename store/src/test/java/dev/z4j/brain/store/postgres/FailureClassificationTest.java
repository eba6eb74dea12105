package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FailureClassificationTest {
    private static final Instant NOW = Instant.now();
    private static String url;
    private static PostgresDatabase db;
    private static UUID project;

    @BeforeAll
    static void setUp() throws Exception {
        url = SharedPostgres.freshDatabaseUrl("failures");
        db = SharedPostgres.openMigrated(url);
        project = db.directory().createProject("fail", "Fail").id();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void poisonEventFailsTheWholeBatchAsNonTransient() throws Exception {
        UUID agent = UUID.randomUUID();
        EventRow good = Rows.event(project, agent, "poison-good", "task.received", NOW, NOW);
        EventRow poison = new EventRow(UUID.randomUUID(), project, agent, "e".repeat(41), "poison-bad",
                "task.received", NOW, NOW, "{}", null, null, null);
        StoreException e = catchThrowableOfType(StoreException.class,
                () -> db.eventStore().write(List.of(good, poison)));
        assertThat(e).isNotNull();
        assertThat(e.transientFailure()).isFalse();
        assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM events WHERE task_id LIKE 'poison-%'")).isZero();
        // the writer is still usable after the rollback
        assertThat(db.eventStore().write(List.of(good))).containsExactly(true);
    }

    @Test
    void invalidJsonPayloadIsNonTransient() {
        EventRow bad = new EventRow(UUID.randomUUID(), project, UUID.randomUUID(), "celery", "json", "task.received",
                NOW, NOW, "{not json", null, null, null);
        assertThatThrownBy(() -> db.eventStore().write(List.of(bad)))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.transientFailure()).isFalse());
    }

    @Test
    void statementTimeoutIsEnforcedAndClassifiedTransient() throws Exception {
        try (PostgresDatabase strict = PostgresDatabase.open(SharedPostgres.config(url, 200), Duration.ofSeconds(2));
             Connection c = strict.dataSource().getConnection(); Statement s = c.createStatement()) {
            SQLException timeout = catchThrowableOfType(SQLException.class, () -> s.execute("SELECT pg_sleep(1)"));
            assertThat((Throwable) timeout).isNotNull();
            assertThat(timeout.getSQLState()).isEqualTo("57014");
            assertThat(PgErrors.isTransient(timeout)).isTrue();
            assertThat(PgErrors.translate("write events", timeout).transientFailure()).isTrue();
        }
    }

    @Test
    void classifiesBySqlStateClass() {
        for (String state : List.of("08006", "53300", "57P01", "57014", "40001", "40P01", "55P03")) {
            assertThat(PgErrors.isTransient(new SQLException("x", state))).as(state).isTrue();
        }
        for (String state : List.of("22001", "22P02", "23505", "23503", "42P01", "42703")) {
            assertThat(PgErrors.isTransient(new SQLException("x", state))).as(state).isFalse();
        }
        assertThat(PgErrors.isTransient(new SQLException("no state"))).isTrue();
        assertThat(PgErrors.isTransient(new SQLTransientConnectionException("pool timeout", "23000"))).isTrue();
        assertThat(PgErrors.isTransient(new SQLException("io", "22000", new java.io.EOFException()))).isTrue();
    }

    @Test
    void aPoolWaitThatRunsOutOrAStatementOrLockTimeoutIsBusyNotAnOutage() throws Exception {
        HikariConfig two = PostgresDatabase.poolConfig(PostgresUrl.parse(url), new DatabaseConfig(url, Path.of("/tmp"),
                10_000, 2), Duration.ofMillis(250));
        try (HikariDataSource pool = new HikariDataSource(two); Connection held = pool.getConnection();
             Connection alsoHeld = pool.getConnection()) {
            SQLException noneFree = catchThrowableOfType(SQLException.class, pool::getConnection);
            assertThat(PgErrors.translate("read", noneFree).busy()).as(noneFree.getMessage()).isTrue();

            try (Statement s = held.createStatement()) {
                s.execute("SET statement_timeout = 50");
                SQLException timedOut = catchThrowableOfType(SQLException.class, () -> s.execute("SELECT pg_sleep(2)"));
                StoreException e = PgErrors.translate("read", timedOut);
                assertThat(e.busy()).as(timedOut.getMessage()).isTrue();
                assertThat(e.transientFailure()).isTrue();
            }
        }
        // Nothing listens there: an outage, retried the same way, but not "busy".
        String nowhere = "postgresql://postgres:postgres@127.0.0.1:1/postgres";
        HikariConfig down = PostgresDatabase.poolConfig(PostgresUrl.parse(nowhere), new DatabaseConfig(nowhere,
                Path.of("/tmp"), 10_000, 2), Duration.ofMillis(500));
        down.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(down)) {
            SQLException refused = catchThrowableOfType(SQLException.class, pool::getConnection);
            StoreException e = PgErrors.translate("read", refused);
            assertThat(e.busy()).as(refused.getMessage()).isFalse();
            assertThat(e.transientFailure()).isTrue();
        }
        assertThat(PgErrors.translate("write", new SQLException("dup", "23505")).busy()).isFalse();
    }

    @Test
    void badUrlNamesTheSetting() {
        assertThatThrownBy(() -> PostgresDatabase.open(SharedPostgres.config("mysql://x/y", 1000)))
                .hasMessageStartingWith("Z4J_DATABASE_URL:");
    }
}
