package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.store.postgres.StandbyPair;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brain with Z4J_DATABASE_URL on a primary and Z4J_DATABASE_READ_URL on its streaming standby,
 * driven through the REST API: the task list is answered by the standby, by the primary when the
 * standby lags beyond Z4J_READ_MAX_LAG_MS or is stopped (200, not 500), and by the standby again
 * once it is back; /metrics says which and why.
 */
class ReadReplicaEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASKS = "/api/v1/projects/default/tasks?limit=50";

    @TempDir
    Path home;

    @Test
    void operatorReadsGoToTheStandbyAndFallBackToThePrimary() throws Exception {
        try (StandbyPair pair = StandbyPair.start()) {
            pair.createDatabase("brain_replica");
            try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.POSTGRES, home, Map.of(
                    "Z4J_DATABASE_URL", pair.primaryUrl("brain_replica"),
                    "Z4J_DATABASE_READ_URL", pair.standbyUrl("brain_replica"),
                    "Z4J_READ_MAX_LAG_MS", "3000"))) {
                insertTask(brain, "t1");
                // Until the standby's first checks pass the primary answers (and already lists t1):
                // wait for the standby to serve, then for it to list t1 itself.
                await().atMost(Duration.ofSeconds(30)).until(() -> brain.metric("z4j_read_replica_serving") == 1.0
                        && taskIds(brain).equals(List.of("t1")));
                double standbyReads = brain.metric("z4j_read_replica_reads_total{target=\"standby\"}");
                assertThat(standbyReads).isPositive();

                // Replay paused, t2 written: the standby, which answers, cannot know it yet.
                pair.pauseReplay();
                try {
                    insertTask(brain, "t2");
                    assertThat(taskIds(brain)).containsExactly("t1");
                    assertThat(brain.metric("z4j_read_replica_reads_total{target=\"standby\"}"))
                            .isEqualTo(standbyReads + 1);

                    // Once it lags beyond 3 s the primary answers, and /metrics says why.
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            brain.metric("z4j_read_replica_fallbacks_total{reason=\"lag\"}") == 1.0);
                    assertThat(taskIds(brain)).containsExactly("t1", "t2");
                    assertThat(brain.metric("z4j_read_replica_serving")).isEqualTo(0.0);
                    assertThat(brain.metric("z4j_read_replica_lag_seconds")).isGreaterThan(3.0);
                } finally {
                    pair.resumeReplay();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> brain.metric("z4j_read_replica_serving") == 1.0);

                // The standby stops: the operator still gets the list, from the primary.
                pair.stopStandby();
                try {
                    HttpResponse<String> res = brain.get(TASKS, brain.adminKey());
                    assertThat(res.statusCode()).isEqualTo(200);
                    assertThat(ids(res)).containsExactly("t1", "t2");
                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            brain.metric("z4j_read_replica_fallbacks_total{reason=\"down\"}") == 1.0);
                    assertThat(brain.metric("z4j_read_replica_serving")).isEqualTo(0.0);
                    assertThat(brain.get("/health/ready", null).statusCode())
                            .as("the standby is not needed to be ready").isEqualTo(200);
                } finally {
                    pair.startStandby();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> brain.metric("z4j_read_replica_serving") == 1.0);
                double before = brain.metric("z4j_read_replica_reads_total{target=\"standby\"}");
                assertThat(taskIds(brain)).containsExactly("t1", "t2");
                assertThat(brain.metric("z4j_read_replica_reads_total{target=\"standby\"}")).isEqualTo(before + 1);
                assertThat(brain.metric("z4j_read_replica_fallbacks_total{reason=\"down\"}")).isEqualTo(1.0);

                // The operator deletes t1 while the standby does not replay: the list just changed
                // comes from the primary (t1 gone), not from the standby (which still has it).
                String t1Row = rowId(brain, "t1");
                pair.pauseReplay();
                try {
                    HttpResponse<String> deleted = brain.post("/api/v1/projects/default/tasks/bulk-delete",
                            "{\"task_ids\":[\"" + t1Row + "\"]}", brain.adminKey());
                    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
                    assertThat(taskIds(brain)).containsExactly("t2");
                    assertThat(brain.metric("z4j_read_replica_fallbacks_total{reason=\"lag\"}"))
                            .as("the primary answered because of the deletion, not the lag").isEqualTo(1.0);
                } finally {
                    pair.resumeReplay();
                }
            }
        }
    }

    @Test
    void aReadUrlIsRefusedWithSqliteOrWhenItIsNotPostgresql() {
        assertThatThrownBy(() -> BrainConfig.fromEnv(Map.of("Z4J_HOME", home.toString(),
                "Z4J_SECRET", BrainFixture.SECRET, "Z4J_DATABASE_READ_URL", "postgresql://h/db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Z4J_DATABASE_READ_URL needs Z4J_DATABASE_URL");
        assertThatThrownBy(() -> BrainConfig.fromEnv(Map.of("Z4J_HOME", home.toString(),
                "Z4J_SECRET", BrainFixture.SECRET, "Z4J_DATABASE_URL", "postgresql://h/db",
                "Z4J_DATABASE_READ_URL", "mysql://h/db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Z4J_DATABASE_READ_URL must start with postgresql://");
        assertThatThrownBy(() -> BrainConfig.fromEnv(Map.of("Z4J_HOME", home.toString(),
                "Z4J_SECRET", BrainFixture.SECRET, "Z4J_DATABASE_URL", "postgresql://h/db",
                "Z4J_DATABASE_READ_URL", "postgresql://standby")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Z4J_DATABASE_READ_URL: has no database name (expected .../DBNAME)");
        assertThatThrownBy(() -> BrainConfig.fromEnv(Map.of("Z4J_HOME", home.toString(),
                "Z4J_SECRET", BrainFixture.SECRET, "Z4J_DATABASE_URL", "postgresql://h/db",
                "Z4J_DATABASE_READ_URL", "postgresql://standby/db", "Z4J_READ_MAX_LAG_MS", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Z4J_READ_MAX_LAG_MS must be between 100 and 3600000, was 0");
        BrainConfig ok = BrainConfig.fromEnv(Map.of("Z4J_HOME", home.toString(),
                "Z4J_SECRET", BrainFixture.SECRET, "Z4J_DATABASE_URL", "postgresql://h/db",
                "Z4J_DATABASE_READ_URL", "postgres://standby/db"));
        assertThat(ok.readReplica().url()).isEqualTo("postgresql://standby/db");
        assertThat(ok.readReplica().maxLag()).isEqualTo(Duration.ofSeconds(5));
    }

    private static void insertTask(BrainFixture brain, String taskId) throws Exception {
        try (Connection c = BrainFixture.jdbc(brain.env); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tasks (project_id, engine, task_id, name, state, received_at, started_at) "
                        + "SELECT id, 'celery', ?, 'app.work', 'started', now(), now() FROM projects WHERE slug = 'default'")) {
            ps.setString(1, taskId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> taskIds(BrainFixture brain) throws Exception {
        HttpResponse<String> res = brain.get(TASKS, brain.adminKey());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return ids(res);
    }

    private static String rowId(BrainFixture brain, String taskId) throws Exception {
        HttpResponse<String> res = brain.get(TASKS, brain.adminKey());
        for (JsonNode item : JSON.readTree(res.body()).get("items")) {
            if (item.get("task_id").asText().equals(taskId)) {
                return item.get("id").asText();
            }
        }
        throw new AssertionError(taskId + " not listed: " + res.body());
    }

    private static List<String> ids(HttpResponse<String> res) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : JSON.readTree(res.body()).get("items")) {
            ids.add(item.get("task_id").asText());
        }
        return ids.stream().sorted().toList();
    }
}
