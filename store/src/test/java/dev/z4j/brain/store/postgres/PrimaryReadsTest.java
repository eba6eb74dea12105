package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * How the operator reads meet the database: a request's read runs each statement on its own, with
 * no transaction around it (no COMMIT round trip per read); a background recount runs in one
 * transaction, since its planner setting (ReadDialect.gently) is set for the transaction only.
 */
class PrimaryReadsTest {

    @Test
    void aRequestsReadHasNoTransactionAroundItsStatements() throws Exception {
        try (PostgresDatabase db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("primary_reads"))) {
            PrimaryReads reads = new PrimaryReads(new Transactions(db.dataSource()), db.readGate(), db.recountGate());
            // In a transaction now() is when it began, so after a first statement that takes a while it
            // lags the second statement's start; a statement on its own starts its own transaction.
            assertThat(reads.read("probe", PrimaryReadsTest::secondStatementSeesAnEarlierTransactionStart)).isFalse();
            assertThat(reads.readInBackground("probe", PrimaryReadsTest::secondStatementSeesAnEarlierTransactionStart))
                    .isTrue();
            // the recount's planner setting holds for its later statements, and is gone afterwards
            String inRecount = reads.readInBackground("probe", c -> {
                PgReadDialect.INSTANCE.gently(c);
                return text(c, "SELECT current_setting('max_parallel_workers_per_gather')");
            });
            String inRequest = reads.read("probe", c -> text(c, "SELECT current_setting('max_parallel_workers_per_gather')"));
            assertThat(inRecount).isEqualTo("0");
            assertThat(inRequest).isNotEqualTo("0");
        }
    }

    private static boolean secondStatementSeesAnEarlierTransactionStart(Connection c) throws SQLException {
        text(c, "SELECT pg_sleep(0.05)");
        // (an implicit transaction may start a few microseconds before its statement's message)
        return text(c, "SELECT statement_timestamp() - now() > interval '40 milliseconds'").equals("t");
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
