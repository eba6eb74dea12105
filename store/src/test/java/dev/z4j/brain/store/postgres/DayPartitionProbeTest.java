package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The writer's duplicate probe after UTC midnight: the new day's partition was empty when the
 * writer's connection last planned the probe, and must still be probed through its primary key.
 * A cached generic plan picks the (project, task) index for an empty partition, whose probes then
 * walk every row of the project in that day, per id: a writer that slows down quadratically.
 */
class DayPartitionProbeTest {
    private static final int BATCH = 2000; // enough rows that the day's partition is no longer "tiny" to the planner
    private static final Instant TODAY = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final Instant TOMORROW = TODAY.plus(Duration.ofDays(1));
    private static PostgresDatabase db;
    private static UUID project;
    private static UUID agent;

    @BeforeAll
    static void setUp() throws Exception {
        db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("probe"));
        db.ensurePartitions(TODAY, 1); // today and tomorrow, both empty
        project = db.directory().createProject("probe", "Probe").id();
        agent = db.directory().createAgent(project, "a1", "hash-probe").id();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void aNewDaysPartitionIsProbedThroughItsPrimaryKey() throws Exception {
        // One connection, as the writer's: the pool hands the persister thread the same one back.
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            // More batches than pgjdbc's prepareThreshold (5) and PostgreSQL's custom-plan tries (5):
            // the probe has run often enough on this connection to be served from a cached plan.
            for (int i = 0; i < 12; i++) {
                assertThat(write(c, batch("today-" + i, TODAY))).containsOnly(true);
            }
            // Midnight UTC has passed: rows now land in tomorrow's partition, empty until now.
            for (int i = 0; i < 3; i++) {
                assertThat(write(c, batch("tomorrow-" + i, TOMORROW))).containsOnly(true);
            }
            List<EventRow> resent = batch("tomorrow-resent", TOMORROW);
            assertThat(write(c, resent)).containsOnly(true);
            assertThat(write(c, resent)).as("a resend is still found by the probe").containsOnly(false);
        }

        String partition = EventPartitions.partitionName(PgEventStore.receivedDay(TOMORROW));
        // Every probe of those 5 batches looked at tomorrow's partition (its day and the day before).
        await().atMost(Duration.ofSeconds(30)).until(() -> scans(partition, true) + scans(partition, false) >= 5L * BATCH);
        assertThat(tuplesRead(partition, false))
                .as("rows of %s walked through its (project, task) index by id probes", partition).isZero();
        assertThat(scans(partition, true)).as("probes through the primary key of %s", partition)
                .isGreaterThanOrEqualTo(4L * BATCH);
    }

    /**
     * The probe is planned per batch, so its planning must not grow with retention: only the
     * partitions of the batch's days (and the day before) may be in its plan, not a pruned-at-run-time
     * probe of each of the days kept (0.56 ms of planning with 39 partitions, 0.23 ms with 2).
     */
    @Test
    void theProbePlansOnlyThePartitionsOfTheBatchsDays() throws Exception {
        db.ensurePartitions(TODAY.minus(Duration.ofDays(1)), 31); // yesterday and 30 days ahead
        String day = PgEventStore.receivedDay(TODAY).toString();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN (COSTS OFF) " + PgEventStore.STORED_IDS)) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0); // as the writer: planned for these values
            ps.setArray(1, c.createArrayOf("text", new String[] {project.toString()}));
            ps.setArray(2, c.createArrayOf("text", new String[] {UUID.randomUUID().toString()}));
            ps.setArray(3, c.createArrayOf("text", new String[] {day}));
            ps.setString(4, day);
            ps.setString(5, day);
            List<String> partitions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(" on (events_\\w+)").matcher(rs.getString(1));
                    if (m.find()) {
                        partitions.add(m.group(1));
                    }
                }
            }
            assertThat(partitions).as("partitions in the probe's plan")
                    .isNotEmpty().allMatch(t -> t.equals(EventPartitions.partitionName(PgEventStore.receivedDay(TODAY)))
                            || t.equals(EventPartitions.partitionName(PgEventStore.receivedDay(TODAY).minusDays(1))));
        }
    }

    /** The writer's dedupe step (probe + COPY of the new rows) in its own transaction. */
    private static boolean[] write(Connection c, List<EventRow> rows) throws Exception {
        boolean[] inserted = PgEventStore.copyNewEvents(c, rows);
        c.commit();
        return inserted;
    }

    private static List<EventRow> batch(String prefix, Instant received) {
        List<EventRow> rows = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            rows.add(Rows.event(project, agent, prefix + "-" + i, "task.received", received, received));
        }
        return rows;
    }

    /** Index scans of the partition's primary key ({@code primary}) or of its other index, as the statistics show them. */
    private static long scans(String partition, boolean primary) throws Exception {
        return indexStat("idx_scan", partition, primary);
    }

    private static long tuplesRead(String partition, boolean primary) throws Exception {
        return indexStat("idx_tup_read", partition, primary);
    }

    private static long indexStat(String column, String partition, boolean primary) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(s." + column + "), 0)"
                     + " FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid"
                     + " WHERE s.relname = ? AND i.indisprimary = ?")) {
            ps.setString(1, partition);
            ps.setBoolean(2, primary);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
