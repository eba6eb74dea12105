package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database at the schema before the operator reads (every migration up to V010, the operator
 * access one) is upgraded in place: V011 is applied on start although a higher-numbered migration
 * came before it in history, and the task rows written before it get their row id and appear in
 * the task list, its detail and the stats.
 */
class UpgradeToOperatorReadsTest {
    private static final Pattern FILE = Pattern.compile("V(\\d{3})__\\w+\\.sql");
    private static final int READS_VERSION = 11;

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void aDatabaseAtV010GetsTheReadsMigrationAndItsTasksAreListed(BrainFixture.Db db) throws Exception {
        Map<String, String> env = BrainFixture.baseEnv(db, home);
        boolean pg = db == BrainFixture.Db.POSTGRES;
        UUID project = UUID.randomUUID();
        long micros = System.currentTimeMillis() * 1000;
        try (Connection c = BrainFixture.jdbc(env); Statement s = c.createStatement()) {
            int applied = schemaBefore(s, pg);
            assertThat(applied).as("the newest version before the reads").isEqualTo(10);
            if (pg) {
                s.execute("INSERT INTO projects (id, slug, name) VALUES ('" + project + "', 'legacy', 'Legacy')");
                s.execute("INSERT INTO tasks (project_id, engine, task_id, name, state, started_at) VALUES ('" + project
                        + "', 'celery', 'old-1', 'app.old', 'success', now() - interval '1 minute')");
            } else {
                s.execute("INSERT INTO projects (id, slug, name, created_at) VALUES ('" + project + "', 'legacy', 'Legacy', "
                        + micros + ")");
                s.execute("INSERT INTO tasks (id, project_id, engine, task_id, name, state, started_at, created_at,"
                        + " updated_at) VALUES ('" + UUID.randomUUID() + "', '" + project + "', 'celery', 'old-1', 'app.old',"
                        + " 'success', " + (micros - 60_000_000) + ", " + micros + ", " + micros + ")");
            }
        }
        Map<String, String> extra = new HashMap<>(env);
        extra.putAll(OperatorClient.FAST);
        try (BrainFixture brain = BrainFixture.start(db, home, extra)) {
            assertThat(brain.count("SELECT count(*) FROM schema_migrations WHERE version = " + READS_VERSION)).isOne();
            OperatorClient admin = OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD());
            JsonNode page = json(admin.get("/api/v1/projects/legacy/tasks"));
            assertThat(page.get("items")).singleElement().satisfies(t -> {
                assertThat(t.get("task_id").asText()).isEqualTo("old-1");
                assertThat(UUID.fromString(t.get("id").asText())).isNotNull();
                assertThat(t.get("state").asText()).isEqualTo("success");
            });
            assertThat(json(admin.get("/api/v1/projects/legacy/tasks/celery/old-1")).get("name").asText())
                    .isEqualTo("app.old");
            assertThat(json(admin.get("/api/v1/projects/legacy/stats")).get("tasks_total").asLong()).isEqualTo(1);
        }
    }

    /** Applies every listed migration below the reads one, as the previous version did; returns the newest. */
    private static int schemaBefore(Statement s, boolean pg) throws Exception {
        String folder = pg ? "db/postgres/" : "db/sqlite/";
        s.execute(pg
                ? "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
                        + " applied_at timestamptz NOT NULL DEFAULT now())"
                : "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,"
                        + " applied_at INTEGER NOT NULL)");
        int newest = 0;
        for (String line : resource(folder + "migrations.txt").split("\n")) {
            Matcher m = FILE.matcher(line.strip());
            if (!m.matches() || Integer.parseInt(m.group(1)) >= READS_VERSION) {
                continue;
            }
            String sql = resource(folder + m.group());
            for (String statement : pg ? new String[] {sql} : sql.split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            newest = Integer.parseInt(m.group(1));
            s.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + newest + ", '" + m.group()
                    + "', " + (pg ? "now()" : "0") + ")");
        }
        return newest;
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = UpgradeToOperatorReadsTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
