package dev.z4j.brain.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import dev.z4j.brain.ingress.api.OperatorConfig;
import dev.z4j.brain.ingress.api.Origins;
import dev.z4j.brain.ingress.api.Passwords;
import dev.z4j.brain.pipeline.IngestPipeline;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.postgres.ReadReplicaConfig;

/**
 * Every setting of the brain, read from {@code Z4J_*} environment variables in ONE place,
 * validated up front: a bad value stops start-up with a message naming the variable.
 * (Z4J_LOG_FORMAT and Z4J_LOG_LEVEL are read by {@link LogSetup}: logging starts before anything else.)
 */
public record BrainConfig(
        String databaseUrl,              // Z4J_DATABASE_URL; null = SQLite in Z4J_HOME
        Path home,                       // Z4J_HOME (~/.z4j)
        String bindHost,                 // Z4J_BIND_HOST (0.0.0.0)
        int bindPort,                    // Z4J_BIND_PORT (7700; 0 = any free port)
        String secret,                   // Z4J_SECRET (>= 32 bytes; generated into secret.env if unset)
        List<String> previousSecrets,    // Z4J_PREVIOUS_SECRETS (comma-separated, each >= 32 bytes)
        String registryBackend,          // Z4J_REGISTRY_BACKEND (postgres_notify | local)
        int eventRetentionDays,          // Z4J_EVENT_RETENTION_DAYS (30)
        int statementTimeoutMs,          // Z4J_DB_STATEMENT_TIMEOUT_MS (10000)
        int dbPoolSize,                  // Z4J_DB_POOL_SIZE (10)
        int dbReads,                     // Z4J_DB_READS (2, at most the pool): operator reads on the primary at once
        int commandTimeoutSeconds,       // Z4J_COMMAND_TIMEOUT_SECONDS (60)
        int wsMaxFrameBytes,             // Z4J_WS_MAX_FRAME_BYTES (1048576)
        int wsIdleTimeoutSeconds,        // Z4J_WS_IDLE_TIMEOUT_SECONDS (90)
        int wsHelloTimeoutSeconds,       // Z4J_WS_HELLO_TIMEOUT_SECONDS (10): a new socket must say hello by then
        int wsWorkersPerAgent,           // Z4J_WS_WORKERS_PER_AGENT (64; 0 = unlimited)
        int agentOfflineTimeoutSeconds,  // Z4J_AGENT_OFFLINE_TIMEOUT_SECONDS (30)
        int ringSize,                    // Z4J_RING_SIZE (8192, power of two): slots per ingest writer
        int ingestWriters,               // Z4J_INGEST_WRITERS (PostgreSQL 2, SQLite 1): persisters writing in parallel
        int batchMaxEvents,              // Z4J_BATCH_MAX_EVENTS (2000)
        int batchLingerMs,               // Z4J_BATCH_LINGER_MS (10): see docs/TUNING.md, single-event agents
        int httpMaxBodyBytes,            // Z4J_HTTP_MAX_BODY_BYTES (1048576): larger request bodies get 413
        int httpHeaderTimeoutSeconds,    // Z4J_HTTP_HEADER_TIMEOUT_SECONDS (10): request head must arrive by then
        OperatorConfig operator,         // sessions, cookies, logins, passwords, origins (see operator())
        BootstrapAdmin bootstrapAdmin,   // Z4J_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD/_DISPLAY_NAME; null when unset
        Path dashboardDist,              // Z4J_DASHBOARD_DIST: a dashboard build served at /; null = none
        boolean wsResendBrake,           // Z4J_WS_RESEND_BRAKE (on): stop reading agents that re-send acked batches
        int socketReceiveBufferBytes,    // Z4J_SOCKET_RECEIVE_BUFFER_BYTES (65536; 0 = kernel autotuning): SO_RCVBUF of accepted sockets
        int authLookups,                 // Z4J_AUTH_LOOKUPS (4): agent-token lookups against the database at once
        int authCacheEntries,            // Z4J_AUTH_CACHE_ENTRIES (20000; 0 = off): agents cached by token hash
        ReadReplicaConfig readReplica,   // Z4J_DATABASE_READ_URL + Z4J_READ_MAX_LAG_MS (5000); null = no read replica
        Integer agentPort) {             // Z4J_AGENT_PORT: a port of its own for /ws/agent; null = none, 0 = any free port

    /** The first admin, created at start while no user exists. */
    public record BootstrapAdmin(String email, String password, String displayName) {
        @Override
        public String toString() {
            return "BootstrapAdmin[" + email + ", password hidden]";
        }
    }

    private static final Logger LOG = Logger.getLogger(BrainConfig.class.getName());
    static final int MIN_SECRET_BYTES = 32;
    // Two writers on PostgreSQL: one connection each, so one's COPY runs while the other's commit or
    // projection does (docs/TUNING.md has the measurement).
    static final int DEFAULT_POSTGRES_WRITERS = 2;

    public boolean postgres() {
        return databaseUrl != null;
    }

    public byte[] secretBytes() {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    public List<byte[]> previousSecretBytes() {
        return previousSecrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public Duration batchLinger() {
        return Duration.ofMillis(batchLingerMs);
    }

    /** Reads and validates {@code env}; generates and persists Z4J_SECRET on first start if unset. */
    public static BrainConfig fromEnv(Map<String, String> env) {
        Env e = new Env(env);
        String url = e.text("Z4J_DATABASE_URL", null);
        if (url != null && !url.startsWith("postgresql://") && !url.startsWith("postgres://")
                && !url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException("Z4J_DATABASE_URL must start with postgresql:// or jdbc:postgresql:// "
                    + "(leave it unset for the embedded SQLite database)");
        }
        if (url != null && url.startsWith("postgres://")) {
            url = "postgresql://" + url.substring("postgres://".length());
        }
        Path home = Path.of(e.text("Z4J_HOME", System.getProperty("user.home") + "/.z4j"));
        String backend = e.text("Z4J_REGISTRY_BACKEND", url == null ? "local" : "postgres_notify")
                .toLowerCase(Locale.ROOT);
        if (!backend.equals("local") && !backend.equals("postgres_notify")) {
            throw new ConfigException("Z4J_REGISTRY_BACKEND must be 'postgres_notify' or 'local', was '" + backend + "'");
        }
        if (url == null && backend.equals("postgres_notify")) {
            LOG.warning("Z4J_REGISTRY_BACKEND=postgres_notify needs PostgreSQL; using 'local' with SQLite");
            backend = "local";
        }
        String secret = e.text("Z4J_SECRET", null);
        if (secret == null) {
            secret = loadOrCreateSecret(home);
        }
        checkSecret("Z4J_SECRET", secret);
        List<String> previous = new ArrayList<>();
        String prev = e.text("Z4J_PREVIOUS_SECRETS", null);
        if (prev != null) {
            for (String p : prev.split(",")) {
                String s = p.strip();
                if (!s.isEmpty()) {
                    checkSecret("Z4J_PREVIOUS_SECRETS", s);
                    previous.add(s);
                }
            }
        }
        int ring = e.integer("Z4J_RING_SIZE", 8192, 64, 1 << 22);
        if (Integer.bitCount(ring) != 1) {
            throw new ConfigException("Z4J_RING_SIZE must be a power of two, was " + ring);
        }
        int pool = e.integer("Z4J_DB_POOL_SIZE", 10, 2, 200);
        int authLookups = e.integer("Z4J_AUTH_LOOKUPS", 4, 1, 200);
        if (authLookups > pool) {
            throw new ConfigException("Z4J_AUTH_LOOKUPS (" + authLookups + ") must not exceed Z4J_DB_POOL_SIZE ("
                    + pool + "): each lookup holds a pooled connection");
        }
        int reads = e.integer("Z4J_DB_READS", DatabaseConfig.DEFAULT_READS_AT_ONCE, 1, 200);
        if (reads > pool) {
            throw new ConfigException("Z4J_DB_READS (" + reads + ") must not exceed Z4J_DB_POOL_SIZE (" + pool
                    + "): each operator read holds a pooled connection");
        }
        int writers = e.integer("Z4J_INGEST_WRITERS", url == null ? 1 : DEFAULT_POSTGRES_WRITERS, 1,
                IngestPipeline.MAX_WRITERS);
        if (url == null && writers != 1) {
            throw new ConfigException("Z4J_INGEST_WRITERS must be 1 with the embedded SQLite database (it takes one "
                    + "writer at a time), was " + writers);
        }
        int bindPort = e.integer("Z4J_BIND_PORT", 7700, 0, 65535);
        Integer agentPort = e.text("Z4J_AGENT_PORT", null) == null ? null : e.integer("Z4J_AGENT_PORT", 0, 0, 65535);
        if (agentPort != null && agentPort != 0 && agentPort == bindPort) {
            throw new ConfigException("Z4J_AGENT_PORT must differ from Z4J_BIND_PORT (" + bindPort + "): the agent "
                    + "port is a listener of its own");
        }
        return new BrainConfig(url, home,
                e.text("Z4J_BIND_HOST", "0.0.0.0"),
                bindPort,
                secret, List.copyOf(previous), backend,
                e.integer("Z4J_EVENT_RETENTION_DAYS", 30, 1, 3650),
                e.integer("Z4J_DB_STATEMENT_TIMEOUT_MS", 10_000, 100, 600_000),
                pool,
                reads,
                e.integer("Z4J_COMMAND_TIMEOUT_SECONDS", 60, 1, 86_400),
                e.integer("Z4J_WS_MAX_FRAME_BYTES", 1_048_576, 8192, 33_554_432),
                e.integer("Z4J_WS_IDLE_TIMEOUT_SECONDS", 90, 15, 3600),
                e.integer("Z4J_WS_HELLO_TIMEOUT_SECONDS", 10, 1, 120),
                e.integer("Z4J_WS_WORKERS_PER_AGENT", 64, 0, 100_000),
                e.integer("Z4J_AGENT_OFFLINE_TIMEOUT_SECONDS", 30, 5, 3600),
                ring,
                writers,
                e.integer("Z4J_BATCH_MAX_EVENTS", 2000, 1, 100_000),
                e.integer("Z4J_BATCH_LINGER_MS", 10, 0, 1000),
                e.integer("Z4J_HTTP_MAX_BODY_BYTES", 1_048_576, 1024, 67_108_864),
                e.integer("Z4J_HTTP_HEADER_TIMEOUT_SECONDS", 10, 1, 300),
                operator(e), bootstrapAdmin(e), dashboardDist(e),
                e.onOff("Z4J_WS_RESEND_BRAKE", true),
                e.integer("Z4J_SOCKET_RECEIVE_BUFFER_BYTES", 65_536, 0, 64 << 20),
                authLookups,
                e.integer("Z4J_AUTH_CACHE_ENTRIES", 20_000, 0, 10_000_000),
                readReplica(e, url, pool),
                agentPort);
    }

    /**
     * The streaming standby that serves the operator API's lists, details, stats and exports; its
     * pool is half the primary's (at least 2): it only serves those reads.
     */
    static ReadReplicaConfig readReplica(Env e, String primaryUrl, int pool) {
        int maxLagMs = e.integer(ReadReplicaConfig.LAG_SETTING, 5_000, 100, 3_600_000);
        String url = e.text(ReadReplicaConfig.URL_SETTING, null);
        if (url == null) {
            return null;
        }
        if (primaryUrl == null) {
            throw new ConfigException(ReadReplicaConfig.URL_SETTING + " needs Z4J_DATABASE_URL: a read replica is a "
                    + "PostgreSQL streaming standby, and the embedded SQLite database has none");
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://") && !url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(ReadReplicaConfig.URL_SETTING
                    + " must start with postgresql:// or jdbc:postgresql:// (a PostgreSQL streaming standby)");
        }
        if (url.startsWith("postgres://")) {
            url = "postgresql://" + url.substring("postgres://".length());
        }
        try {
            return ReadReplicaConfig.of(url, Duration.ofMillis(maxLagMs), Math.max(2, pool / 2));
        } catch (IllegalArgumentException invalid) {
            throw new ConfigException(invalid.getMessage());
        }
    }

    /** The operator side: the original brain's defaults, each overridable. */
    static OperatorConfig operator(Env e) {
        String environment = e.text("Z4J_ENVIRONMENT", "production").toLowerCase(Locale.ROOT);
        if (!environment.equals("production") && !environment.equals("dev")) {
            throw new ConfigException("Z4J_ENVIRONMENT must be 'production' or 'dev', was '" + environment + "'");
        }
        String sameSite = e.text("Z4J_SESSION_SAMESITE", "lax").toLowerCase(Locale.ROOT);
        if (!sameSite.equals("lax") && !sameSite.equals("strict")) {
            throw new ConfigException("Z4J_SESSION_SAMESITE must be 'lax' or 'strict', was '" + sameSite + "'");
        }
        String publicUrl = e.text("Z4J_PUBLIC_URL", null);
        if (publicUrl != null) {
            publicUrl = url("Z4J_PUBLIC_URL", publicUrl);
        }
        List<String> origins = new ArrayList<>();
        String extra = e.text("Z4J_ALLOWED_ORIGINS", null);
        if (extra != null) {
            for (String o : extra.split(",")) {
                if (!o.isBlank()) {
                    origins.add(url("Z4J_ALLOWED_ORIGINS", o.strip()));
                }
            }
        }
        String trust = e.text("Z4J_TRUST_FORWARDED_FOR", "false").toLowerCase(Locale.ROOT);
        if (!trust.equals("true") && !trust.equals("false")) {
            throw new ConfigException("Z4J_TRUST_FORWARDED_FOR must be 'true' or 'false', was '" + trust + "'");
        }
        return new OperatorConfig(environment.equals("dev"), sameSite,
                Duration.ofSeconds(e.integer("Z4J_SESSION_LIFETIME_SECONDS", 604_800, 300, 31_536_000)),
                Duration.ofSeconds(e.integer("Z4J_SESSION_REMEMBER_SECONDS", 2_592_000, 300, 31_536_000)),
                Duration.ofSeconds(e.integer("Z4J_SESSION_IDLE_TIMEOUT_SECONDS", 1_800, 60, 31_536_000)),
                e.integer("Z4J_LOGIN_LOCKOUT_THRESHOLD", 10, 1, 1000),
                Duration.ofSeconds(e.integer("Z4J_LOGIN_LOCKOUT_SECONDS", 900, 1, 86_400)),
                Duration.ofMillis(e.integer("Z4J_LOGIN_MIN_DURATION_MS", 300, 0, 10_000)),
                Duration.ofMillis(e.integer("Z4J_LOGIN_BACKOFF_MAX_MS", 5_000, 0, 60_000)),
                e.integer("Z4J_PASSWORD_MIN_LENGTH", 12, 8, 128),
                new Passwords.Params(e.integer("Z4J_ARGON2_TIME_COST", 3, 1, 100),
                        e.integer("Z4J_ARGON2_MEMORY_COST", 65_536, 8, 4_194_304),
                        e.integer("Z4J_ARGON2_PARALLELISM", 4, 1, 64)),
                publicUrl, List.copyOf(origins), trust.equals("true"), Duration.ofMinutes(15));
    }

    private static String url(String name, String value) {
        try {
            Origins.origin(value);
            return value;
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(name + " must be an http(s) URL such as https://z4j.example.com, was '" + value + "'");
        }
    }

    static BootstrapAdmin bootstrapAdmin(Env e) {
        String email = e.text("Z4J_BOOTSTRAP_ADMIN_EMAIL", null);
        String password = e.env().get("Z4J_BOOTSTRAP_ADMIN_PASSWORD"); // as given: spaces may be part of it
        if (email == null && (password == null || password.isEmpty())) {
            return null;
        }
        if (email == null || password == null || password.isEmpty()) {
            throw new ConfigException("Z4J_BOOTSTRAP_ADMIN_EMAIL and Z4J_BOOTSTRAP_ADMIN_PASSWORD must be set together");
        }
        return new BootstrapAdmin(email, password, e.text("Z4J_BOOTSTRAP_ADMIN_DISPLAY_NAME", null));
    }

    static Path dashboardDist(Env e) {
        String dist = e.text("Z4J_DASHBOARD_DIST", null);
        if (dist == null) {
            return null;
        }
        Path p = Path.of(dist).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("index.html"))) {
            throw new ConfigException("Z4J_DASHBOARD_DIST must be a folder holding index.html (a dashboard build), was '"
                    + dist + "'");
        }
        return p;
    }

    private static void checkSecret(String name, String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException(name + " must be at least " + MIN_SECRET_BYTES + " bytes (UTF-8)");
        }
    }

    /** First start without Z4J_SECRET: generate one into $Z4J_HOME/secret.env (mode 600) and reuse it. */
    static String loadOrCreateSecret(Path home) {
        Path file = home.resolve("secret.env");
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith("Z4J_SECRET=")) {
                        return line.substring("Z4J_SECRET=".length()).strip();
                    }
                }
                throw new ConfigException(file + " has no Z4J_SECRET= line; fix or delete it, or set Z4J_SECRET");
            }
            Files.createDirectories(home);
            byte[] random = new byte[48];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, "# generated on first start; keep it safe, agents' hmac_secret derive from it\n"
                    + "Z4J_SECRET=" + secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: nothing more we can do
            }
            LOG.info("generated Z4J_SECRET into " + file);
            return secret;
        } catch (IOException ex) {
            throw new ConfigException("Z4J_HOME " + home + " is not writable for secret.env: " + ex.getMessage());
        }
    }

    /** Typed reads with messages that name the variable. */
    record Env(Map<String, String> env) {
        String text(String name, String dflt) {
            String v = env.get(name);
            return v == null || v.isBlank() ? dflt : v.strip();
        }

        boolean onOff(String name, boolean dflt) {
            String v = text(name, null);
            if (v == null) {
                return dflt;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "on", "true", "1", "yes" -> true;
                case "off", "false", "0", "no" -> false;
                default -> throw new ConfigException(name + " must be 'on' or 'off', was '" + v + "'");
            };
        }

        int integer(String name, int dflt, int min, int max) {
            String v = text(name, null);
            if (v == null) {
                return dflt;
            }
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException ex) {
                throw new ConfigException(name + " must be an integer, was '" + v + "'");
            }
            if (n < min || n > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + n);
            }
            return n;
        }
    }
}
