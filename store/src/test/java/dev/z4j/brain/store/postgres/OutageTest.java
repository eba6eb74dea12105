package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.StoreException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Its own embedded PostgreSQL: the test stops and restarts the server under an open Database. */
class OutageTest {

    @Test
    void writeFailsTransientlyWhileDownAndRecoversWithoutReopening() throws Exception {
        SharedPostgres.instance(); // ensures the quiet logging configuration is applied
        Path dataDir = Files.createTempDirectory("z4j-outage");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start();
        int port = pg.getPort();
        String url = "postgresql://postgres:postgres@localhost:" + port + "/postgres";
        try (PostgresDatabase db = PostgresDatabase.open(SharedPostgres.config(url, 10_000), Duration.ofSeconds(2))) {
            db.migrate();
            UUID project = db.directory().createProject("outage", "Outage").id();
            Instant now = Instant.now();
            assertThat(db.eventStore().write(List.of(Rows.event(project, UUID.randomUUID(), "before", "task.received", now, now))))
                    .containsExactly(true);

            pg.close();
            long started = System.nanoTime();
            StoreException down = catchThrowableOfType(StoreException.class, () ->
                    db.eventStore().write(List.of(Rows.event(project, UUID.randomUUID(), "down", "task.received", now, now))));
            assertThat(down).isNotNull();
            assertThat(down.transientFailure()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(db.ping()).isFalse();

            pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
            var store = db.eventStore();
            await().atMost(Duration.ofSeconds(20)).ignoreException(StoreException.class).until(() ->
                    store.write(List.of(Rows.event(project, UUID.randomUUID(), "after", "task.received", now, now)))[0]);
            // The operator pool recovers on its own too, but not necessarily at once: during the
            // outage HikariCP's connection creator backed off (up to 5 s between attempts), and the
            // ingest pool above may have caught the server first.
            await().atMost(Duration.ofSeconds(15)).until(db::ping);
            assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM events WHERE task_id IN ('before', 'after')"))
                    .isEqualTo(2);
        } finally {
            pg.close();
        }
    }
}
