package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Daily partitions of {@code events} ({@code events_YYYYMMDD}, UTC receive day): created ahead,
 * and dropped whole once older than the retention window. Each DDL runs in its own short
 * transaction with a lock_timeout so it never queues behind ingest for long.
 */
final class EventPartitions {
    static final DateTimeFormatter SUFFIX = DateTimeFormatter.BASIC_ISO_DATE;
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'";

    private final Transactions transactions;

    EventPartitions(Transactions transactions) {
        this.transactions = transactions;
    }

    static String partitionName(LocalDate day) {
        return "events_" + day.format(SUFFIX);
    }

    /** Creates the partitions of today..today+daysAhead (UTC); returns how many exist for that window. */
    int ensure(Instant now, int daysAhead) throws StoreException {
        if (daysAhead < 0) {
            throw new IllegalArgumentException("daysAhead must be >= 0, was " + daysAhead);
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        int present = 0;
        for (int i = 0; i <= daysAhead; i++) {
            LocalDate day = today.plusDays(i);
            transactions.inTransaction("create partition " + partitionName(day), c -> {
                create(c, day);
                return null;
            });
            present++;
        }
        return present;
    }

    private static void create(Connection c, LocalDate day) throws SQLException {
        String name = partitionName(day);
        String bounds = "FOR VALUES FROM ('" + day + "') TO ('" + day.plusDays(1) + "')";
        try (Statement s = c.createStatement()) {
            s.execute(LOCK_TIMEOUT);
            if (exists(c, name)) {
                return;
            }
            if (!defaultHasRows(c, day)) {
                s.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF events " + bounds);
                return;
            }
            // Rows of that day already sit in events_default (which forbids a plain CREATE ... PARTITION
            // OF): build the day as a standalone table, move its rows out of default, then attach it.
            s.execute("CREATE TABLE " + name + " (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            s.execute("WITH moved AS (DELETE FROM events_default WHERE received_day = DATE '" + day
                    + "' RETURNING *) INSERT INTO " + name + " SELECT * FROM moved");
            // a matching CHECK lets ATTACH skip its validation scan
            s.execute("ALTER TABLE " + name + " ADD CONSTRAINT " + name + "_day CHECK (received_day >= DATE '"
                    + day + "' AND received_day < DATE '" + day.plusDays(1) + "')");
            s.execute("ALTER TABLE events ATTACH PARTITION " + name + " " + bounds);
            s.execute("ALTER TABLE " + name + " DROP CONSTRAINT " + name + "_day");
        }
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static boolean defaultHasRows(Connection c, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM events_default WHERE received_day = ?)")) {
            ps.setObject(1, day);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Drops every dated partition whose day is before today - retentionDays, then prunes the same
     * range from events_default (the only place rows are ever deleted). Returns partitions dropped.
     */
    long applyRetention(Instant now, int retentionDays) throws StoreException {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retentionDays must be >= 1, was " + retentionDays);
        }
        LocalDate cutoff = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(retentionDays);
        List<String> expired = new ArrayList<>();
        for (String name : datedPartitions()) {
            LocalDate day = LocalDate.parse(name.substring("events_".length()), SUFFIX);
            if (day.isBefore(cutoff)) {
                expired.add(name);
            }
        }
        for (String name : expired) {
            transactions.inTransaction("drop partition " + name, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(LOCK_TIMEOUT);
                    s.execute("DROP TABLE IF EXISTS " + name);
                }
                return null;
            });
        }
        transactions.inTransaction("prune events_default", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM events_default WHERE received_day < ?")) {
                ps.setObject(1, cutoff);
                return ps.executeUpdate();
            }
        });
        return expired.size();
    }

    List<String> datedPartitions() throws StoreException {
        return transactions.inTransaction("list partitions", c -> {
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("""
                         SELECT child.relname
                           FROM pg_inherits i
                           JOIN pg_class child ON child.oid = i.inhrelid
                          WHERE i.inhparent = 'events'::regclass
                            AND child.relname ~ '^events_[0-9]{8}$'
                          ORDER BY child.relname""")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }
}
