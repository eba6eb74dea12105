package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    @TempDir
    Path home;

    @Test
    void migrateTwiceIsIdempotentAndRecordsEachVersionOnce() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.migrate();
            f.db.migrate();
            assertThat(f.count("SELECT count(*) FROM schema_migrations")).isEqualTo(SqliteMigrations.load().size());
            assertThat(f.one("SELECT version, name FROM schema_migrations WHERE version = 1"))
                    .containsEntry("name", "V001__init.sql");
        }
    }

    @Test
    void reopeningTheSameFileKeepsData() throws Exception {
        try (SqliteFixture f = new SqliteFixture(home)) {
            f.db.eventStore().write(f.plainEvents(3, SqliteFixture.T0));
            f.reopen();
            assertThat(f.directory().projectById(f.projectId)).isPresent();
            assertThat(f.db.directory().stats(f.projectId).events()).isEqualTo(3);
        }
    }

    @Test
    void opensWalModeWithForeignKeysInTheHomeFolder() throws Exception {
        Path nested = home.resolve("a/b");
        try (Database db = SqliteFixture.open(nested, 1000)) {
            db.migrate();
            assertThat(db.kind()).isEqualTo(Database.Kind.SQLITE);
            assertThat(Files.exists(nested.resolve("z4j.db"))).isTrue();
            assertThat(db.ping()).isTrue();
        }
        try (SqliteFixture f = new SqliteFixture(nested)) {
            assertThat(f.one("PRAGMA journal_mode")).containsValue("wal");
            // Foreign keys are enforced on the store's connections: an agent for no project is refused.
            assertThatThrownBy(() -> f.directory().createAgent(java.util.UUID.randomUUID(), "x", "h"))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).transientFailure()).isFalse());
        }
    }

    @Test
    void unwritableHomeIsAClearErrorNamingZ4jHome() throws Exception {
        Path file = Files.writeString(home.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> SqliteFixture.open(file.resolve("sub"), 1000))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Z4J_HOME");
    }

    @Test
    void pingFailsAfterCloseAndMaintenanceHooksBehaveForASingleProcess() throws Exception {
        SqliteFixture f = new SqliteFixture(home);
        assertThat(f.db.ensurePartitions(Instant.now(), 7)).isZero();
        AtomicInteger runs = new AtomicInteger();
        assertThat(f.db.runIfNotRunningElsewhere("retention", runs::incrementAndGet)).isTrue();
        assertThat(runs).hasValue(1);
        f.close();
        assertThat(f.db.ping()).isFalse();
    }
}
