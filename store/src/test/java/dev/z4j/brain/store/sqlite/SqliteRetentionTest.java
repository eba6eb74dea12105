package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRetentionTest {
    private static final Instant NOW = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir
    Path home;

    @Test
    void deletesExactlyTheRowsReceivedBeforeTheWindowInSeveralChunks() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            Instant old = NOW.minus(Duration.ofDays(30)).minusMillis(1);
            Instant kept = NOW.minus(Duration.ofDays(30));
            for (int i = 0; i < 3; i++) {
                f.db.eventStore().write(f.plainEvents(4_000, old.minus(Duration.ofDays(i))));
            }
            f.db.eventStore().write(f.plainEvents(700, kept));
            f.db.eventStore().write(f.plainEvents(300, NOW));

            // 12 000 rows is more than two 5 000-row chunks: the loop must continue until done.
            assertThat(f.db.applyRetention(NOW, 30)).isEqualTo(12_000);

            assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(1_000);
            assertThat(f.count("SELECT min(received_at) FROM events")).isEqualTo(SqliteFixture.micros(kept));
            assertThat(f.db.applyRetention(NOW, 30)).isZero();
        }
    }

    @Test
    void loopsOverChunksUntilAPartialChunkShowsNothingIsLeft() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home);
             LockedConnection writer = new LockedConnection(DriverManager.getConnection(f.url()))) {
            f.db.eventStore().write(f.plainEvents(20, NOW.minus(Duration.ofDays(40))));
            f.db.eventStore().write(f.plainEvents(5, NOW));

            // 20 old rows in chunks of 10: two full chunks, then an empty one ends the loop.
            assertThat(new EventRetention(writer, 10).deleteReceivedBefore(NOW.minus(Duration.ofDays(30)))).isEqualTo(20);
            assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(5);
        }
    }
}
