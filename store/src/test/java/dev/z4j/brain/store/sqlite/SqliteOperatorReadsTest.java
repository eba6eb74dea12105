package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.OperatorReadsContract;
import dev.z4j.brain.store.read.ConnectionRunner;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class SqliteOperatorReadsTest extends OperatorReadsContract {
    private static Path home;
    private static Database db;

    @BeforeAll
    static void setUp() throws Exception {
        home = Files.createTempDirectory("z4j-reads");
        db = SqliteDatabase.open(new DatabaseConfig(null, home, 5_000, 2));
        db.migrate();
    }

    @AfterAll
    static void tearDown() throws IOException {
        db.close();
    }

    @Override
    protected Database db() {
        return db;
    }

    @Override
    protected void sql(String statement, Object... params) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve(SqliteDatabase.FILE_NAME));
             PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(statement, e);
        }
    }

    @Override
    protected Object id(UUID id) {
        return id.toString();
    }

    @Override
    protected OperatorReads readsKeepingLargeCounts(long exactBelow, Duration maxAge) {
        ConnectionRunner runner = new ConnectionRunner(
                () -> DriverManager.getConnection("jdbc:sqlite:" + home.resolve(SqliteDatabase.FILE_NAME)));
        return new SqlOperatorReads(runner, SqliteReadDialect.INSTANCE, exactBelow, maxAge);
    }
}
