package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.EventRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PartitionsTest {
    private static String url;
    private static PostgresDatabase db;
    private static UUID project;

    @BeforeAll
    static void setUp() throws Exception {
        url = SharedPostgres.freshDatabaseUrl("partitions");
        db = SharedPostgres.openMigrated(url);
        project = db.directory().createProject("parts", "Parts").id();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void ensureCreatesTodayToSevenDaysAheadIdempotently() throws Exception {
        Instant now = Instant.parse("2033-06-10T22:00:00Z");
        assertThat(db.ensurePartitions(now, 7)).isEqualTo(8);
        assertThat(db.ensurePartitions(now, 7)).isEqualTo(8);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 7; i++) {
            expected.add(EventPartitions.partitionName(LocalDate.of(2033, 6, 10).plusDays(i)));
        }
        assertThat(partitionsBetween("events_20330601", "events_20330630")).containsExactlyElementsOf(expected);
    }

    @Test
    void rowsAlreadyInDefaultMoveIntoTheNewPartition() throws Exception {
        Instant day = Instant.parse("2034-02-02T10:00:00Z");
        EventRow early = Rows.event(project, UUID.randomUUID(), "moved", "task.received", day, day);
        assertThat(db.eventStore().write(List.of(early))).containsExactly(true);
        assertThat(partitionOf(early.id())).isEqualTo("events_default");

        db.ensurePartitions(day, 0);
        assertThat(partitionOf(early.id())).isEqualTo("events_20340202");
        // still deduplicated after the move, and new rows of that day land in the partition
        assertThat(db.eventStore().write(List.of(early))).containsExactly(false);
        EventRow later = Rows.event(project, UUID.randomUUID(), "moved", "task.started", day, day);
        db.eventStore().write(List.of(later));
        assertThat(partitionOf(later.id())).isEqualTo("events_20340202");
    }

    @Test
    void retentionDropsExactlyTheExpiredPartitionsAndPrunesDefault() throws Exception {
        // its own database: the other tests' partitions would count as expired too
        try (PostgresDatabase db = SharedPostgres.openMigrated(SharedPostgres.freshDatabaseUrl("retention"))) {
            UUID project = db.directory().createProject("ret", "Ret").id();
            retention(db, project);
        }
    }

    private static void retention(PostgresDatabase db, UUID project) throws Exception {
        Instant now = Instant.parse("2035-05-20T12:00:00Z");
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        db.ensurePartitions(now.minus(java.time.Duration.ofDays(12)), 12); // 2035-05-08 .. 2035-05-20
        Instant oldDefault = Instant.parse("2035-01-01T00:00:00Z");
        Instant recentDefault = Instant.parse("2036-01-01T00:00:00Z");
        EventRow stale = Rows.event(project, UUID.randomUUID(), "ret", "x", oldDefault, oldDefault);
        EventRow fresh = Rows.event(project, UUID.randomUUID(), "ret", "x", recentDefault, recentDefault);
        db.eventStore().write(List.of(stale, fresh));

        long dropped = db.applyRetention(now, 10); // cutoff 2035-05-10: drops 05-08 and 05-09
        assertThat(dropped).isEqualTo(2);
        assertThat(partitionsBetween(db, "events_20350501", "events_20350531")).first()
                .isEqualTo(EventPartitions.partitionName(today.minusDays(10)));
        assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM events WHERE id = '" + stale.id() + "'")).isZero();
        assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM events WHERE id = '" + fresh.id() + "'")).isOne();
        assertThat(db.applyRetention(now, 10)).isZero();
    }

    @Test
    void aJobRunningOnOneReplicaIsSkippedOnTheOther() throws Exception {
        AtomicBoolean secondRan = new AtomicBoolean();
        AtomicBoolean firstRan = new AtomicBoolean();
        try (PostgresDatabase other = SharedPostgres.open(url)) {
            boolean ran = db.runIfNotRunningElsewhere("z4j.retention", () -> {
                firstRan.set(true);
                assertThat(other.runIfNotRunningElsewhere("z4j.retention", () -> secondRan.set(true))).isFalse();
            });
            assertThat(ran).isTrue();
            assertThat(firstRan).isTrue();
            assertThat(secondRan).isFalse();
            // released after the job: the other replica can take it now
            assertThat(other.runIfNotRunningElsewhere("z4j.retention", () -> secondRan.set(true))).isTrue();
            assertThat(secondRan).isTrue();
        }
    }

    private static List<String> partitionsBetween(String from, String to) throws Exception {
        return partitionsBetween(db, from, to);
    }

    private static List<String> partitionsBetween(PostgresDatabase database, String from, String to) throws Exception {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid
                 WHERE i.inhparent = 'events'::regclass AND child.relname BETWEEN ? AND ? ORDER BY 1""")) {
            ps.setString(1, from);
            ps.setString(2, to);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    private static String partitionOf(UUID id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT tableoid::regclass::text FROM events WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
