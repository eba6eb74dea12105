package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the versioned scripts listed in {@code db/sqlite/migrations.txt} that are not yet in
 * {@code schema_migrations}, all in one transaction, so a failed upgrade leaves the old schema.
 */
final class SqliteMigrations {
    private static final String FOLDER = "db/sqlite/";
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3})__\\w+\\.sql");
    // Statements end with ';' at the end of a line; the scripts keep ';' out of comments.
    private static final Pattern STATEMENT_END = Pattern.compile(";\\s*(\\n|$)");

    record Migration(int version, String name, String sql) {}

    private SqliteMigrations() {}

    /** Returns how many migrations were applied now. */
    static int apply(LockedConnection writer) throws StoreException {
        List<Migration> all = load();
        return writer.inTransaction("migrate", connection -> {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("""
                        CREATE TABLE IF NOT EXISTS schema_migrations (
                            version    INTEGER NOT NULL PRIMARY KEY,
                            name       TEXT    NOT NULL,
                            applied_at INTEGER NOT NULL
                        )""");
            }
            Set<Integer> applied = appliedVersions(connection);
            int count = 0;
            for (Migration migration : all) {
                if (applied.add(migration.version())) {
                    run(connection, migration);
                    count++;
                }
            }
            return count;
        });
    }

    private static Set<Integer> appliedVersions(Connection connection) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT version FROM schema_migrations")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    private static void run(Connection connection, Migration migration) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            for (String statement : STATEMENT_END.split(migration.sql())) {
                if (!statement.isBlank()) {
                    ddl.execute(statement);
                }
            }
        }
        try (PreparedStatement record = connection.prepareStatement(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")) {
            record.setInt(1, migration.version());
            record.setString(2, migration.name());
            record.setLong(3, Micros.of(Instant.now()));
            record.executeUpdate();
        }
    }

    static List<Migration> load() throws StoreException {
        List<Migration> migrations = new ArrayList<>();
        int previous = 0;
        for (String line : resource("migrations.txt").split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Matcher m = FILE_NAME.matcher(name);
            if (!m.matches() || Integer.parseInt(m.group(1)) <= previous) {
                throw new StoreException("bad migration entry '" + name + "': want V<nnn>__name.sql in increasing order", false, null);
            }
            previous = Integer.parseInt(m.group(1));
            migrations.add(new Migration(previous, name, resource(name)));
        }
        return migrations;
    }

    private static String resource(String name) throws StoreException {
        try (InputStream in = SqliteMigrations.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new StoreException("migration resource missing: " + FOLDER + name, false, null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read migration " + FOLDER + name, false, e);
        }
    }
}
