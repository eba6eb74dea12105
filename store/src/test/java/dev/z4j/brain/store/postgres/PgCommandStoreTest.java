package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.CommandStoreContract;
import dev.z4j.brain.store.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class PgCommandStoreTest extends CommandStoreContract {
    private static PostgresDatabase db;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("commands"));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Override
    protected Database db() {
        return db;
    }

    @Test
    void dedicatedConnectionReceivesANotifySentThroughThePool() throws Exception {
        try (Connection listener = db.dedicatedConnection(); Statement s = listener.createStatement()) {
            assertThat(listener.getAutoCommit()).isTrue();
            s.execute("LISTEN z4j_test_channel");
            db.notify("z4j_test_channel", "{\"agent\":\"a-1\"}");
            db.notify("z4j_other_channel", "ignored");

            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(5_000);
            assertThat(received).hasSize(1);
            assertThat(received[0].getName()).isEqualTo("z4j_test_channel");
            assertThat(received[0].getParameter()).isEqualTo("{\"agent\":\"a-1\"}");
        }
    }

    @Test
    void theDatabaseAnnouncesEachNewCommandAtCommitAndAReplayedKeyNotAgain() throws Exception {
        try (Connection listener = db.dedicatedConnection(); Statement s = listener.createStatement()) {
            s.execute("LISTEN " + CommandStore.ANNOUNCEMENTS);
            Instant now = Instant.now();
            CommandStore.Command c = commands().insert(command(agent, 60, "announce-once"), now);
            CommandStore.Command replay = commands().insert(command(agent, 60, "announce-once"), now.plusSeconds(1));
            assertThat(replay.id()).isEqualTo(c.id());
            CommandStore.Command other = commands().insert(command(agent, 60, null), now);

            // the registry routes on "command id|agent id" without reading the row
            List<String> heard = new ArrayList<>();
            long until = System.nanoTime() + 2_000_000_000L; // past both commits, to catch a second announcement
            while (System.nanoTime() < until) {
                PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications(200);
                for (PGNotification n : batch == null ? new PGNotification[0] : batch) {
                    assertThat(n.getName()).isEqualTo(CommandStore.ANNOUNCEMENTS);
                    heard.add(n.getParameter());
                }
            }
            assertThat(heard).containsExactly(c.id() + "|" + agent, other.id() + "|" + agent);
        }
    }

    @Test
    void dedicatedConnectionIsOutsideThePoolAndHasNoStatementTimeout() throws Exception {
        try (Connection listener = db.dedicatedConnection(); Statement s = listener.createStatement()) {
            assertThat(setting(s, "SHOW statement_timeout")).isEqualTo("0");
            assertThat(setting(s, "SHOW TimeZone")).isEqualTo("UTC");
            int pooled = db.dataSource().getHikariPoolMXBean().getActiveConnections();
            assertThat(pooled).isZero(); // the LISTEN connection is not a borrowed pool connection
        }
        try (Connection pooled = db.dataSource().getConnection(); Statement s = pooled.createStatement()) {
            assertThat(setting(s, "SHOW statement_timeout")).isEqualTo("10s");
        }
    }

    private static String setting(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
