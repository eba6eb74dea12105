package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.StoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the versioned SQL files listed in {@code db/postgres/migrations.txt}, in version order,
 * inside one transaction holding a transaction-level advisory lock so replicas starting together
 * apply each version exactly once.
 */
final class Migrator {
    static final String ROOT = "db/postgres/";
    private static final Pattern FILE = Pattern.compile("V(\\d{3,})__([a-z0-9_]+)\\.sql");

    record Migration(int version, String name, String sql) {}

    // Run after the versioned steps on every migration, under the same lock: the trigram index of
    // task ids (V017) needs pg_trgm, which ships with PostgreSQL's contrib modules and is a trusted
    // extension (a database owner may create it); where it cannot be created yet, search walks the
    // list, and a later start (once it can) builds the index.
    static final String TASK_SEARCH_INDEX = """
            DO $$
            BEGIN
                IF to_regclass('ix_task_search_trgm') IS NULL THEN
                    BEGIN
                        CREATE EXTENSION IF NOT EXISTS pg_trgm;
                        -- the same A-Z fold as the search itself (PgReadDialect.asciiLower); new entries
                        -- wait in the pending list (up to 32 MB) until the brain's job merges them
                        -- (mergeSearchIndexPending)
                        CREATE INDEX ix_task_search_trgm
                            ON task_search USING gin (lower(task_id COLLATE "C") gin_trgm_ops)
                            WITH (gin_pending_list_limit = 32768);
                    EXCEPTION WHEN OTHERS THEN
                        RETURN; -- no pg_trgm here, or not this role's to build: search walks the list
                    END;
                ELSIF EXISTS (SELECT FROM pg_class WHERE oid = 'ix_task_search_trgm'::regclass
                              AND NOT coalesce(reloptions @> ARRAY['gin_pending_list_limit=32768'], false)
                              AND pg_has_role(current_user, relowner, 'USAGE')) THEN
                    -- built with the first limit (8 MB): the current one, once, by its owner
                    ALTER INDEX ix_task_search_trgm SET (gin_pending_list_limit = 32768);
                END IF;
            END $$""";

    private final Transactions transactions;

    Migrator(Transactions transactions) {
        this.transactions = transactions;
    }

    /** Returns how many migrations this call applied (0 when the schema was current). */
    int migrate() throws StoreException {
        List<Migration> all = load();
        return transactions.inTransaction("migrate", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '60s'");       // waiting for another replica's migration is fine
                s.execute("SET LOCAL statement_timeout = '300s'"); // DDL on a big table may outlast the pool's limit
                s.execute("SELECT pg_advisory_xact_lock(hashtext('z4j.migrate'))");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS schema_migrations (
                            version    integer PRIMARY KEY,
                            name       text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())""");
            }
            Set<Integer> applied = new HashSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
                while (rs.next()) {
                    applied.add(rs.getInt(1));
                }
            }
            int count = 0;
            for (Migration m : all) {
                if (applied.contains(m.version())) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute(m.sql());
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.name());
                    ps.executeUpdate();
                }
                count++;
            }
            try (Statement s = c.createStatement()) {
                s.execute(TASK_SEARCH_INDEX);
            }
            return count;
        });
    }

    static List<Migration> load() throws StoreException {
        List<Migration> result = new ArrayList<>();
        int previous = 0;
        for (String file : readLines(ROOT + "migrations.txt")) {
            Matcher m = FILE.matcher(file);
            if (!m.matches()) {
                throw new StoreException("migration file name " + file + " does not match V###__name.sql", false, null);
            }
            int version = Integer.parseInt(m.group(1));
            if (version <= previous) {
                throw new StoreException("migration " + file + " is out of order in migrations.txt", false, null);
            }
            previous = version;
            result.add(new Migration(version, m.group(2), String.join("\n", readLines(ROOT + file))));
        }
        return result;
    }

    private static List<String> readLines(String resource) throws StoreException {
        InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new StoreException("classpath resource " + resource + " is missing", false, null);
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (resource.endsWith(".txt") && (line.isBlank() || line.startsWith("#"))) {
                    continue;
                }
                lines.add(resource.endsWith(".txt") ? line.strip() : line);
            }
        } catch (IOException e) {
            throw new StoreException("reading " + resource + " failed: " + e.getMessage(), false, e);
        }
        return lines;
    }
}
