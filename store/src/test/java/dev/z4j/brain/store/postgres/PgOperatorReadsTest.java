package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.OperatorReadsContract;
import dev.z4j.brain.store.read.ConnectionRunner;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PgOperatorReadsTest extends OperatorReadsContract {
    private static PostgresDatabase db;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("reads"));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Override
    protected Database db() {
        return db;
    }

    @Override
    protected void sql(String statement, Object... params) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
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
        return id;
    }

    @Override
    protected OperatorReads readsKeepingLargeCounts(long exactBelow, Duration maxAge) {
        ConnectionRunner runner = new ConnectionRunner(() -> db.dataSource().getConnection());
        return new SqlOperatorReads(runner, PgReadDialect.INSTANCE, exactBelow, maxAge);
    }
}
