package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.OperatorReadsContract;
import dev.z4j.brain.store.read.ConnectionRunner;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    /** A background recount is planned without parallel workers, for its transaction only. */
    @Test
    void aGentleStatementHasNoParallelWorkersAndTheNextTransactionHasThemAgain() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            String before = parallelWorkers(c);
            assertThat(parallelWorkers(PgReadDialect.INSTANCE.gently(c))).isEqualTo("0");
            c.commit();
            assertThat(parallelWorkers(c)).isEqualTo(before).isNotEqualTo("0");
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static String parallelWorkers(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW max_parallel_workers_per_gather")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    protected OperatorReads readsKeepingLargeCounts(long exactBelow, Duration maxAge) {
        ConnectionRunner runner = new ConnectionRunner(() -> db.dataSource().getConnection());
        return new SqlOperatorReads(runner, PgReadDialect.INSTANCE, exactBelow, maxAge);
    }
}
