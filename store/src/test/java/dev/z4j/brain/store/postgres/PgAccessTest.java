package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.AccessContract;
import dev.z4j.brain.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PgAccessTest extends AccessContract {
    private static PostgresDatabase db;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("access"));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Override
    protected Database db() {
        return db;
    }
}
