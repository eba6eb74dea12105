package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read that waits too long for the database is a 503 that says the database is busy (with
 * Retry-After), not "database unavailable": an operator seeing it knows to look at the pool size or
 * at what holds the lock, not at whether PostgreSQL is up; and the brain answers again once the
 * lock is gone.
 */
class DatabaseBusyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void aReadStuckBehindALockIsA503DatabaseBusyWithRetryAfter() throws Exception {
        // lock_timeout is the statement timeout up to 5 s: one second here
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.POSTGRES, home,
                Map.of("Z4J_DB_STATEMENT_TIMEOUT_MS", "1000"))) {
            String key = brain.adminKey();
            String tasks = "/api/v1/projects/default/tasks?limit=5";
            assertThat(brain.get(tasks, key).statusCode()).isEqualTo(200);
            String refusals = "z4j_api_refusals_total{error=\"database_busy\",status=\"503\"}";
            double before = brain.metric(refusals);

            try (Connection holder = BrainFixture.jdbc(brain.env); Statement s = holder.createStatement()) {
                holder.setAutoCommit(false);
                s.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE"); // a migration or a manual VACUUM FULL would

                HttpResponse<String> stuck = brain.get(tasks, key);

                assertThat(stuck.statusCode()).as(stuck.body()).isEqualTo(503);
                JsonNode body = JSON.readTree(stuck.body());
                assertThat(body.path("error").asText()).isEqualTo("database_busy");
                assertThat(body.path("message").asText()).startsWith("database busy:");
                assertThat(stuck.headers().firstValue("Retry-After")).contains("1");
                holder.rollback();
            }

            assertThat(brain.metric(refusals)).isEqualTo(before + 1);
            assertThat(brain.get(tasks, key).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Z4J_DB_READS bounds the operator reads running on the primary: with one slot, a read stuck
     * behind a lock holds it, the next read waits its turn (seen in /metrics) instead of taking
     * another backend, and both are answered once the lock goes.
     */
    @Test
    void readsPastZ4jDbReadsWaitTheirTurnAndAreAnsweredOnceASlotIsFree() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.POSTGRES, home, Map.of("Z4J_DB_READS", "1"))) {
            String key = brain.adminKey();
            String command = "/api/v1/projects/default/commands/" + UUID.randomUUID();
            String workers = "/api/v1/projects/default/workers";
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
                 Connection holder = BrainFixture.jdbc(brain.env); Statement s = holder.createStatement()) {
                holder.setAutoCommit(false);
                s.execute("LOCK TABLE commands IN ACCESS EXCLUSIVE MODE");

                Future<HttpResponse<String>> stuck = clients.submit(() -> brain.get(command, key));
                await().atMost(Duration.ofSeconds(4)).until(() -> brain.metric("z4j_db_reads_in_flight") == 1);
                Future<HttpResponse<String>> next = clients.submit(() -> brain.get(workers, key));
                await().atMost(Duration.ofSeconds(4)).until(() -> brain.metric("z4j_db_reads_waiting") == 1);
                assertThat(next).as("a read past the bound waits for the slot").isNotDone();

                holder.rollback();

                assertThat(stuck.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
                assertThat(next.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(brain.metric("z4j_db_reads_in_flight")).isZero();
            assertThat(brain.metric("z4j_db_reads_waiting")).isZero();
            assertThat(brain.metric("z4j_db_reads_refused_total")).isZero();
            assertThat(brain.get("/metrics", null).body()).as("the recount lane is on /metrics")
                    .contains("z4j_db_recounts_in_flight 0.0", "z4j_db_recounts_refused_total 0.0");
        }
    }

    @Test
    void z4jDbReadsDefaultsToTwoAndMustFitInThePool() {
        Map<String, String> env = BrainFixture.baseEnv(BrainFixture.Db.SQLITE, home);
        assertThat(BrainConfig.fromEnv(env).dbReads()).isEqualTo(2);
        env.put("Z4J_DB_POOL_SIZE", "4");
        env.put("Z4J_DB_READS", "5");
        assertThatThrownBy(() -> BrainConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
                .hasMessage("Z4J_DB_READS (5) must not exceed Z4J_DB_POOL_SIZE (4): each operator read holds a pooled connection");
        env.put("Z4J_DB_READS", "0");
        assertThatThrownBy(() -> BrainConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Z4J_DB_READS must be between 1 and 200");
        env.put("Z4J_DB_READS", "4");
        assertThat(BrainConfig.fromEnv(env).dbReads()).isEqualTo(4);
    }

    @Test
    void aDashboardSocketWhoseKeyCannotBeCheckedInTimeIsToldToRetryNotThatTheDatabaseIsDown() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.POSTGRES, home,
                Map.of("Z4J_DB_STATEMENT_TIMEOUT_MS", "1000"))) {
            String key = brain.adminKey();
            try (Connection holder = BrainFixture.jdbc(brain.env); Statement s = holder.createStatement()) {
                holder.setAutoCommit(false);
                s.execute("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");

                try (DashboardClient busy = DashboardClient.open(brain.port(), "Bearer " + key)) {
                    assertThat(busy.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1013);
                    assertThat(busy.closeReason()).startsWith("database busy");
                }
                holder.rollback();
            }

            try (DashboardClient again = DashboardClient.open(brain.port(), "Bearer " + key)) {
                again.subscribe("default");
                await().atMost(Duration.ofSeconds(10)).until(again::ready);
            }
        }
    }
}
