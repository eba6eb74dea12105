package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.read.SqlOperatorReads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void migrateTwiceAppliesEachVersionOnce() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("migrate_twice");
        try (PostgresDatabase db = SharedPostgres.open(url)) {
            assertThat(new Migrator(new Transactions(db.dataSource())).migrate()).isEqualTo(Migrator.load().size());
            db.migrate();
            assertThat(new Migrator(new Transactions(db.dataSource())).migrate()).isZero();
            assertThat(versions(db)).isEqualTo(Migrator.load().size());
        }
    }

    @Test
    void twoReplicasMigratingAtOnceBothSucceed() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("migrate_race");
        try (PostgresDatabase a = SharedPostgres.open(url); PostgresDatabase b = SharedPostgres.open(url);
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            CountDownLatch start = new CountDownLatch(1);
            Callable<Void> migrateA = () -> { start.await(); a.migrate(); return null; };
            Callable<Void> migrateB = () -> { start.await(); b.migrate(); return null; };
            Future<Void> fa = pool.submit(migrateA);
            Future<Void> fb = pool.submit(migrateB);
            start.countDown();
            fa.get();
            fb.get();
            assertThat(versions(a)).isEqualTo(Migrator.load().size());
            try (Connection c = a.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT to_regclass('events_default') IS NOT NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    /**
     * The trigram index of task search is not a versioned step: a database where pg_trgm could not
     * be created when V017 ran (here: the index dropped) gets it at the next migration, and the
     * reads use it from then on; until then search walks the list and finds the same tasks.
     */
    @Test
    void theTaskSearchIndexIsBuiltByTheFirstMigrationThatCan() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("migrate_trgm");
        try (PostgresDatabase db = SharedPostgres.open(url)) {
            db.migrate();
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(PgReadDialect.INSTANCE.taskIdSearchIndex(c)).isTrue();
                try (Statement s = c.createStatement()) {
                    s.execute("DROP INDEX " + SqlOperatorReads.TASK_SEARCH_TRGM);
                }
                assertThat(PgReadDialect.INSTANCE.taskIdSearchIndex(c)).isFalse();
            }
            db.migrate();
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(PgReadDialect.INSTANCE.taskIdSearchIndex(c)).as("built again").isTrue();
            }
        }
    }

    /** A search index built with the first pending-list limit (8 MB) gets the current one (32 MB) at the next start. */
    @Test
    void aSearchIndexBuiltWithTheFirstPendingLimitGetsTheCurrentOne() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("trgm_limit");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            assertThat(pendingLimit(db)).isEqualTo("gin_pending_list_limit=32768");
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER INDEX " + SqlOperatorReads.TASK_SEARCH_TRGM + " SET (gin_pending_list_limit = 8192)");
            }
            assertThat(pendingLimit(db)).isEqualTo("gin_pending_list_limit=8192");
            db.migrate();
            assertThat(pendingLimit(db)).isEqualTo("gin_pending_list_limit=32768");
        }
    }

    private static String pendingLimit(PostgresDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = '"
                     + SqlOperatorReads.TASK_SEARCH_TRGM + "'::regclass")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Only the index's owner may merge its pending list: a brain serving as another role (the
     * schema migrated by an admin role) skips the merge quietly instead of failing every second.
     */
    @Test
    void aBrainThatDoesNotOwnTheSearchIndexLeavesItsPendingListToPostgres() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("merge_owner");
        try (PostgresDatabase owner = SharedPostgres.openMigrated(url)) {
            try (Connection c = owner.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DO $$ BEGIN CREATE ROLE z4j_app LOGIN PASSWORD 'app'; EXCEPTION WHEN duplicate_object THEN"
                        + " NULL; END $$");
                s.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO z4j_app");
                s.execute("GRANT CREATE ON SCHEMA public TO z4j_app");
                s.execute("INSERT INTO task_search SELECT gen_random_uuid(), 'celery', 'pending-' || g"
                        + " FROM generate_series(1, 2000) g");
                s.execute("ALTER INDEX " + SqlOperatorReads.TASK_SEARCH_TRGM + " SET (gin_pending_list_limit = 8192)");
            }
            try (PostgresDatabase app = SharedPostgres.open(url.replace("postgres:postgres@", "z4j_app:app@"))) {
                app.migrate(); // every brain migrates at start: one of another role leaves the owner's index alone
                assertThat(pendingLimit(owner)).isEqualTo("gin_pending_list_limit=8192");
                assertThat(app.mergeSearchIndexPending()).as("not the owner: nothing merged, no error").isZero();
            }
            assertThat(owner.mergeSearchIndexPending()).as("the owner merges").isPositive();
        }
    }

    private static int versions(PostgresDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM schema_migrations")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
