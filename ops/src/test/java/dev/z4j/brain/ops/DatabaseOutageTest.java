package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops under load and comes back: the brain stays up (live, not ready), the ring fills
 * and agents are pushed back, nothing acked is lost, and ingest resumes by itself.
 */
class DatabaseOutageTest {
    @TempDir
    Path home;

    @Test
    void brainRidesOutAPostgresOutage() throws Exception {
        Path data = Files.createTempDirectory("z4j-outage-pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = pg.getPort();
        BrainFixture brain = BrainFixture.start(BrainFixture.Db.POSTGRES, home, Map.of(
                "Z4J_DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres",
                "Z4J_RING_SIZE", "64",
                "Z4J_DB_STATEMENT_TIMEOUT_MS", "2000"));
        try {
            TestAgent agent = brain.newAgent("outage").connect(brain.port()).handshake();
            // 100 batches before the outage, 500 into it: far more than the ring holds, whatever the
            // timing (a sender running free could be done, and everything stored, before the outage).
            Streamer streamer = new Streamer(600).holdAfter(100).start(agent);
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.acks().size() >= 30);

            pg.close(); // the database goes away under load
            int ackedAtOutage = agent.acks().size();
            streamer.release();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    brain.metric("z4j_pipeline_ring_remaining") == 0.0);   // back-pressure engaged
            // The writer's first try may still be waiting for a connection when the ring fills.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    brain.metric("z4j_pipeline_store_retries_total") > 0);
            assertThat(brain.get("/health/live", null).statusCode()).isEqualTo(200);
            assertThat(brain.get("/health/ready", null).statusCode()).isEqualTo(503);
            var apiReady = brain.get("/api/v1/health/ready", brain.adminKey()); // a key cannot be checked now
            assertThat(apiReady.statusCode()).isEqualTo(503);
            assertThat(apiReady.body()).isEqualTo("{\"status\":\"unready\",\"reason\":\"database\"}");
            assertThat(brain.get("/api/v1/health", null).statusCode()).isEqualTo(200);
            assertThat(brain.get("/api/v1/projects", brain.adminKey()).statusCode()).isEqualTo(503);
            assertThat(agent.acks().size()).as("no acks while nothing can commit")
                    .isLessThanOrEqualTo(ackedAtOutage + 64);
            assertThat(agent.isClosed()).isFalse();

            pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.acks().size() == streamer.batches);
            streamer.stop();
            Set<Integer> acked = Streamer.ackedIndexes(agent);
            assertThat(acked).hasSize(streamer.batches);
            Streamer.assertAckedAreStored(brain::count, acked);
            assertThat(brain.count("SELECT count(*) FROM events")).isEqualTo(3L * streamer.batches);
            assertThat(brain.get("/health/ready", null).statusCode()).isEqualTo(200);
            assertThat(agent.errors()).isEmpty();
            agent.close();
        } finally {
            brain.close();
            pg.close();
        }
    }
}
