package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.AccessContract;
import dev.z4j.brain.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class SqliteAccessTest extends AccessContract {
    @TempDir
    static Path home;
    private static Database db;

    @BeforeAll
    static void setUp() throws Exception {
        db = SqliteFixture.open(home, 5_000);
        db.migrate();
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
