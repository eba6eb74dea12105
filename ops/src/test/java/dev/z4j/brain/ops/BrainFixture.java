package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A real brain in this JVM on a loopback port, on SQLite or PostgreSQL, plus REST/SQL helpers. */
final class BrainFixture implements AutoCloseable {
    static final String SECRET = "test-master-secret-0123456789-abcdefghijklmnop";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Db { SQLITE, POSTGRES }

    final Db db;
    final Map<String, String> env;
    private final HttpClient http = HttpClient.newHttpClient();
    private Brain brain;
    private String adminKey;

    private BrainFixture(Db db, Map<String, String> env) throws Exception {
        this(db, env, null);
    }

    private BrainFixture(Db db, Map<String, String> env, String adminKey) throws Exception {
        this.db = db;
        this.env = env;
        this.adminKey = adminKey;
        start();
    }

    /** Another replica on the same database (and secret) as {@code first}. */
    static BrainFixture replicaOf(BrainFixture first) throws Exception {
        return new BrainFixture(first.db, new HashMap<>(first.env), first.adminKey);
    }

    static BrainFixture start(Db db, Path home, Map<String, String> extra) throws Exception {
        Map<String, String> env = baseEnv(db, home);
        env.putAll(extra);
        return new BrainFixture(db, env);
    }

    /** (Re)starts the brain on the same database and settings. */
    void start() throws Exception {
        brain = Brain.start(BrainConfig.fromEnv(env));
        if (adminKey == null) {
            adminKey = brain.bootstrapAdminKey().orElse(null); // none when the database already had a key
        }
    }

    Brain brain() {
        return brain;
    }

    int port() {
        return brain.port();
    }

    /** Z4J_AGENT_PORT's listener (-1 without it). */
    int agentPort() {
        return brain.agentPort();
    }

    /** Mints an agent through the REST API and returns a (not yet connected) test agent. */
    TestAgent newAgent(String name) throws Exception {
        return newAgent(name, "worker-" + UUID.randomUUID());
    }

    TestAgent newAgent(String name, String workerId) throws Exception {
        HttpResponse<String> res = post("/api/v1/projects/default/agents", "{\"name\":\"" + name + "\"}", adminKey);
        if (res.statusCode() != 201) {
            throw new IllegalStateException("mint failed: " + res.statusCode() + " " + res.body());
        }
        JsonNode n = JSON.readTree(res.body());
        return new TestAgent(n.get("agent_id").asText(), n.get("token").asText(), n.get("hmac_secret").asText(),
                workerId);
    }

    HttpResponse<String> post(String path, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String adminKey() {
        return adminKey;
    }

    JsonNode stats() throws Exception {
        return JSON.readTree(get("/api/v1/projects/default/stats", adminKey).body());
    }

    /** The value of one Prometheus sample line (name with labels exactly as printed), or 0. */
    double metric(String sample) throws Exception {
        for (String line : get("/metrics", null).body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).strip());
            }
        }
        return 0;
    }

    /** A single number from SQL against the brain's database (works while the brain runs). */
    long count(String sql) throws SQLException {
        return count(env, sql);
    }

    String text(String sql) throws SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private Connection jdbc() throws SQLException {
        return jdbc(env);
    }

    /** Plain JDBC to the database a brain with {@code env} uses. */
    static Connection jdbc(Map<String, String> env) throws SQLException {
        String pg = env.get("Z4J_DATABASE_URL");
        if (pg == null) {
            return DriverManager.getConnection("jdbc:sqlite:" + Path.of(env.get("Z4J_HOME")).resolve("z4j.db"));
        }
        return DriverManager.getConnection(pg.replace("postgresql://postgres:postgres@", "jdbc:postgresql://"),
                "postgres", "postgres");
    }

    static long count(Map<String, String> env, String sql) throws SQLException {
        try (Connection c = jdbc(env); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The environment a brain in another process would need for this fixture's database. */
    static Map<String, String> baseEnv(Db db, Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("Z4J_HOME", home.toString());
        env.put("Z4J_BIND_HOST", "127.0.0.1");
        env.put("Z4J_BIND_PORT", "0");
        env.put("Z4J_SECRET", SECRET);
        env.put("Z4J_BATCH_LINGER_MS", "1");
        if (db == Db.POSTGRES) {
            env.put("Z4J_DATABASE_URL", EmbeddedPg.freshDatabase("brain"));
        }
        return env;
    }

    /** Crash: nothing more is persisted or acked. */
    void halt() {
        brain.halt();
    }

    @Override
    public void close() {
        brain.close();
    }
}
