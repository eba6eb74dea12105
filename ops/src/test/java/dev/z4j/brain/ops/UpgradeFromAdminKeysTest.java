package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.protocol.Hex;
import dev.z4j.brain.protocol.Secrets;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database made by the previous version (admin keys, no users) is upgraded in place: its admin
 * keys keep working as admin:* API keys, and the first admin created afterwards adopts them.
 */
class UpgradeFromAdminKeysTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void oldAdminKeysKeepWorkingAndAreAdopted(BrainFixture.Db db) throws Exception {
        Map<String, String> env = BrainFixture.baseEnv(db, home);
        String legacyKey = "z4j_admin_" + "k".repeat(43);
        try (Connection c = BrainFixture.jdbc(env)) {
            previousSchema(c, db);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO admin_keys (id, name, key_hash, created_at) VALUES (?, 'ops', ?, ?)")) {
                ps.setObject(1, db == BrainFixture.Db.POSTGRES ? UUID.randomUUID() : UUID.randomUUID().toString());
                ps.setString(2, legacyHash(legacyKey));
                if (db == BrainFixture.Db.POSTGRES) {
                    ps.setObject(3, java.time.OffsetDateTime.now());
                } else {
                    ps.setLong(3, System.currentTimeMillis() * 1000);
                }
                ps.executeUpdate();
            }
        }
        Map<String, String> extra = new HashMap<>(env);
        extra.putAll(OperatorClient.FAST);
        try (BrainFixture brain = BrainFixture.start(db, home, extra)) {
            assertThat(brain.brain().bootstrapAdminKey()).isEmpty(); // a key exists already: none printed
            OperatorClient legacy = OperatorClient.withKey(brain.port(), legacyKey);
            assertThat(legacy.get("/api/v1/users").statusCode()).isEqualTo(200);
            assertThat(legacy.post("/api/v1/projects/default/agents", "{\"name\":\"still-works\"}").statusCode())
                    .isEqualTo(201);
            assertThat(brain.text("SELECT scopes FROM api_keys WHERE name = 'ops'").replace(" ", ""))
                    .isEqualTo("[\"admin:*\"]");
            // the bootstrap admin made on this start adopted it
            String adminId = json(OperatorClient.login(brain.port(), "admin@example.com", OperatorClient.ADMIN_PASSWORD())
                    .get("/api/v1/auth/me")).get("id").asText();
            assertThat(brain.text("SELECT user_id FROM api_keys WHERE name = 'ops'")).isEqualTo(adminId);
            assertThat(OperatorClient.withKey(brain.port(), "z4j_admin_" + "x".repeat(43)).get("/api/v1/users")
                    .statusCode()).isEqualTo(401);
        }
    }

    /** The schema the previous version left: every migration before the operator one. */
    private static void previousSchema(Connection c, BrainFixture.Db db) throws Exception {
        String folder = db == BrainFixture.Db.POSTGRES ? "db/postgres/" : "db/sqlite/";
        List<String> files = db == BrainFixture.Db.POSTGRES
                ? List.of("V001__init.sql", "V002__commands.sql", "V003__no_fk_on_hot_tables.sql")
                : List.of("V001__init.sql", "V002__commands.sql");
        try (Statement s = c.createStatement()) {
            s.execute(db == BrainFixture.Db.POSTGRES
                    ? "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
                            + " applied_at timestamptz NOT NULL DEFAULT now())"
                    : "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,"
                            + " applied_at INTEGER NOT NULL)");
            int version = 1;
            for (String f : files) {
                String sql;
                try (InputStream in = UpgradeFromAdminKeysTest.class.getClassLoader().getResourceAsStream(folder + f)) {
                    sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                for (String statement : db == BrainFixture.Db.POSTGRES ? new String[] {sql} : sql.split(";\\s*(\\n|$)")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
                s.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + version++ + ", '" + f
                        + "', " + (db == BrainFixture.Db.POSTGRES ? "now()" : "0") + ")");
            }
        }
    }

    /** How the previous version hashed its admin keys. */
    private static String legacyHash(String key) {
        byte[] master = BrainFixture.SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] salt = "z4j-admin-key-v1".getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[master.length + salt.length];
        System.arraycopy(master, 0, k, 0, master.length);
        System.arraycopy(salt, 0, k, master.length, salt.length);
        return Hex.encode(Secrets.hmacSha256(k, key.getBytes(StandardCharsets.UTF_8)));
    }
}
