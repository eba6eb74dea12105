package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
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
