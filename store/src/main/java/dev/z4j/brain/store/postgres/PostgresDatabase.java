package dev.z4j.brain.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.CommandStore;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.JdbcRunner;
import dev.z4j.brain.store.read.JdbcWork;
import dev.z4j.brain.store.read.OperatorReads;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;

/** The production database: a HikariCP pool over PostgreSQL with per-connection safety timeouts. */
public final class PostgresDatabase implements Database {

    /** How long a caller waits for a pooled connection before the failure counts as an outage. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    // Runs once per physical connection: UTC here because pgjdbc's own TimeZone startup parameter
    // (the JVM zone) would override a "-c TimeZone" option; then the event writer's staging tables.
    static final String CONNECTION_INIT = """
            SET TIME ZONE 'UTC';
            CREATE TEMP TABLE IF NOT EXISTS z4j_event_staging (
                ord integer NOT NULL, project_id uuid NOT NULL, id uuid NOT NULL, agent_id uuid NOT NULL,
                engine text NOT NULL, task_id text NOT NULL, kind text NOT NULL,
                occurred_at timestamptz NOT NULL, received_at timestamptz NOT NULL,
                received_day date NOT NULL, payload jsonb NOT NULL) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS z4j_task_staging (
                project_id uuid NOT NULL, engine text NOT NULL, task_id text NOT NULL, name text, queue text,
                priority text, args jsonb, kwargs jsonb, result jsonb, runtime_ms bigint, retry_count integer,
                worker_name text, parent_task_id text, root_task_id text, replaces_failure_text boolean NOT NULL,
                exception text, traceback text, received_at timestamptz, started_at timestamptz,
                finished_at timestamptz, insert_state text NOT NULL, first_terminal_state text,
                last_terminal_state text, last_terminal_at timestamptz, last_non_terminal_state text,
                last_non_terminal_at timestamptz, first_received_day date NOT NULL,
                last_received_day date NOT NULL, PRIMARY KEY (project_id, engine, task_id)) ON COMMIT DELETE ROWS""";

    private static final Logger LOG = Logger.getLogger(PostgresDatabase.class.getName());

    /**
     * Connections of the ingest writers' own pool: one per writer (up to eight, Z4J_INGEST_WRITERS),
     * and one there when one is being replaced. The pool opens them as the writers borrow them.
     */
    static final int INGEST_POOL_SIZE = 9;

    private final HikariDataSource dataSource;
    private final HikariConfig poolConfig;
    private final long statementTimeoutMs;
    private final Transactions transactions;
    // The ingest writer's connections, apart from the pool every REST read and job borrows from:
    // reads that held all of those (a burst of slow counts) made the writer queue behind a hundred
    // requests, and every agent's acks waited seconds (docs/OPERATOR-READS.md, "the stall").
    private final HikariDataSource ingestDataSource;
    private final Transactions ingestTransactions;
    private final PgDirectory directory;
    private final PgCommandStore commands;
    private final Access access;
    private final EventPartitions partitions;
    private final JobLock jobLock;
    private final OperatorReads reads;
    private final ReadRouting readRouting; // null without Z4J_DATABASE_READ_URL
    private final PrimaryReads primaryReads; // operator reads at once bounded: the writer keeps its share of the cores

    private PostgresDatabase(HikariDataSource dataSource, HikariDataSource ingestDataSource, HikariConfig poolConfig,
                             long statementTimeoutMs, int readsAtOnce, Duration slotWait, ReadReplicaConfig replica) {
        this.dataSource = dataSource;
        this.ingestDataSource = ingestDataSource;
        this.poolConfig = poolConfig;
        this.statementTimeoutMs = statementTimeoutMs;
        this.transactions = new Transactions(dataSource);
        this.ingestTransactions = new Transactions(ingestDataSource);
        this.directory = new PgDirectory(transactions);
        this.commands = new PgCommandStore(transactions);
        this.access = Access.over(new PgSql(transactions));
        this.partitions = new EventPartitions(transactions);
        this.jobLock = new JobLock(dataSource);
        this.primaryReads = new PrimaryReads(transactions,
                new ReadGate("read slots (Z4J_DB_READS)", readsAtOnce, slotWait),
                new ReadGate("recount slots", PrimaryReads.RECOUNTS_AT_ONCE, slotWait));
        SqlOperatorReads onPrimary = new SqlOperatorReads(primaryReads, PgReadDialect.INSTANCE);
        if (replica == null) {
            this.readRouting = null;
            this.reads = onPrimary;
        } else {
            this.readRouting = ReadRouting.start(transactions, primaryReads, StandbyPool.open(replica, statementTimeoutMs), replica);
            this.reads = new RoutedOperatorReads(new SqlOperatorReads(readRouting.runner(), PgReadDialect.INSTANCE),
                    onPrimary, readRouting);
        }
    }

    public static PostgresDatabase open(DatabaseConfig config) throws StoreException {
        return open(config, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** Fails with a transient StoreException if the database cannot be reached within {@code connectionTimeout}. */
    public static PostgresDatabase open(DatabaseConfig config, Duration connectionTimeout) throws StoreException {
        return open(config, connectionTimeout, null);
    }

    /** As {@link #open(DatabaseConfig, Duration)}, with the operator reads routed to {@code replica} (null: none). */
    public static PostgresDatabase open(DatabaseConfig config, Duration connectionTimeout, ReadReplicaConfig replica)
            throws StoreException {
        Objects.requireNonNull(config, "config");
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connectionTimeout must be >= 250 ms, was " + connectionTimeout);
        }
        PostgresUrl url = PostgresUrl.parse(config.url());
        HikariConfig pool = poolConfig(url, config, connectionTimeout);
        HikariConfig ingest = poolConfig(url, config, connectionTimeout);
        ingest.setPoolName("z4j-postgres-ingest");
        ingest.setMaximumPoolSize(INGEST_POOL_SIZE);
        ingest.setMinimumIdle(1);
        ingest.addDataSourceProperty("ApplicationName", "z4j-brain-ingest"); // its own line in pg_stat_activity
        HikariDataSource main = null;
        HikariDataSource writer = null;
        try {
            main = new HikariDataSource(pool);
            writer = new HikariDataSource(ingest);
            return new PostgresDatabase(main, writer, pool, config.statementTimeoutMs(), config.readsAtOnce(),
                    connectionTimeout, replica);
        } catch (RuntimeException e) { // the pool that opened is closed again, whichever failed
            if (writer != null) {
                writer.close();
            }
            if (main != null) {
                main.close();
            }
            if (!(e instanceof HikariPool.PoolInitializationException)) {
                throw e;
            }
            Throwable cause = e.getCause();
            boolean transientFailure = !(cause instanceof SQLException sql) || PgErrors.isTransient(sql);
            throw new StoreException("cannot open PostgreSQL at " + url.jdbcUrl() + ": "
                    + (cause == null ? e.getMessage() : cause.getMessage()), transientFailure, e);
        }
    }

    static HikariConfig poolConfig(PostgresUrl url, DatabaseConfig config, Duration connectionTimeout) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("z4j-postgres");
        hikari.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            hikari.setUsername(url.user());
        }
        if (url.password() != null) {
            hikari.setPassword(url.password());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(connectionTimeout.toMillis());
        hikari.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 2_000));
        hikari.setInitializationFailTimeout(connectionTimeout.toMillis());
        hikari.setConnectionInitSql(CONNECTION_INIT);
        hikari.addDataSourceProperty("options", sessionOptions(config.statementTimeoutMs(), true));
        int connectSeconds = (int) Math.max(1, connectionTimeout.toSeconds());
        hikari.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
        hikari.addDataSourceProperty("loginTimeout", String.valueOf(connectSeconds));
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("ApplicationName", "z4j-brain");
        return hikari;
    }

    /** Server settings per connection; the LISTEN connection runs without a statement timeout. */
    static String sessionOptions(long statementTimeout, boolean limitStatements) {
        // Lock waits are a slice of the statement budget; an abandoned transaction is cut after a minute.
        long lockTimeout = Math.max(1, Math.min(statementTimeout, 5_000));
        long idleInTransaction = Math.max(60_000, statementTimeout * 3);
        return "-c statement_timeout=" + (limitStatements ? statementTimeout : 0)
                + " -c lock_timeout=" + lockTimeout
                + " -c idle_in_transaction_session_timeout=" + idleInTransaction;
    }

    @Override
    public Kind kind() {
        return Kind.POSTGRES;
    }

    @Override
    public void migrate() throws StoreException {
        new Migrator(transactions).migrate();
        boolean taskIdIndex = transactions.inTransaction("task search index", PgReadDialect.INSTANCE::taskIdSearchIndex);
        if (!taskIdIndex) {
            LOG.warning("task search walks the task list: the PostgreSQL extension pg_trgm could not be created"
                    + " (it needs PostgreSQL's contrib modules and the database owner; once `CREATE EXTENSION pg_trgm`"
                    + " works, the next start builds the index)");
        }
    }

    @Override
    public EventStore eventStore() {
        return new PgEventStore(ingestTransactions);
    }

    @Override
    public Directory directory() {
        return directory;
    }

    @Override
    public CommandStore commands() {
        return commands;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public OperatorReads reads() {
        return reads;
    }

    /**
     * The pool's URL, credentials and driver settings with statement_timeout 0 (LISTEN waits
     * forever), opened by DriverManager so Hikari never validates, recycles or times it out.
     */
    @Override
    public Connection dedicatedConnection() throws StoreException {
        Properties props = new Properties();
        props.putAll(poolConfig.getDataSourceProperties());
        props.setProperty("options", sessionOptions(statementTimeoutMs, false));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "z4j-brain-listen");
        if (poolConfig.getUsername() != null) {
            props.setProperty("user", poolConfig.getUsername());
        }
        if (poolConfig.getPassword() != null) {
            props.setProperty("password", poolConfig.getPassword());
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection(poolConfig.getJdbcUrl(), props);
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("SET TIME ZONE 'UTC'"); // as CONNECTION_INIT does for pooled connections
            }
            return c;
        } catch (SQLException e) {
            closeQuietly(c, e);
            throw PgErrors.translate("open dedicated connection", e);
        }
    }

    @Override
    public void notify(String channel, String payload) throws StoreException {
        // auto-committed: the statement's own commit sends it, one round trip instead of two
        transactions.autoCommitted("notify " + channel, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, channel);
                ps.setString(2, payload);
                ps.execute();
                return null;
            }
        });
    }

    private static void closeQuietly(Connection c, SQLException cause) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }

    @Override
    public boolean ping() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            return s.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public int ensurePartitions(Instant now, int daysAhead) throws StoreException {
        return partitions.ensure(now, daysAhead);
    }

    @Override
    public long applyRetention(Instant now, int retentionDays) throws StoreException {
        return partitions.applyRetention(now, retentionDays);
    }

    // A GIN index takes new entries into a pending list, cheap to append to, and merges the list
    // into the index when it outgrows gin_pending_list_limit: in the inserting transaction (the
    // ingest writer's) unless something merged it first, and every search reads the whole list.
    // Merged here every few seconds (MaintenanceJobs.SEARCH_INDEX_MERGE), on the job's own
    // connection. Only the index's owner may: a brain serving as another role than the one that
    // migrated leaves the merge to PostgreSQL (no error at every run).
    @Override
    public long mergeSearchIndexPending() throws StoreException {
        return transactions.inTransaction("merge task search index", c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT gin_clean_pending_list(i.oid)"
                    + " FROM pg_class i WHERE i.oid = to_regclass('" + SqlOperatorReads.TASK_SEARCH_TRGM + "')"
                    + " AND pg_has_role(current_user, i.relowner, 'USAGE')")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public boolean runIfNotRunningElsewhere(String lockName, StoreJob job) throws StoreException {
        return jobLock.runIfFree(lockName, job);
    }

    /** The pool, for callers that need plain JDBC (tests, diagnostics). */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** Where the operator reads go, when a read replica is configured. */
    public Optional<ReadRouting> readRouting() {
        return Optional.ofNullable(readRouting);
    }

    /** The bound on operator reads running on the primary at once (Z4J_DB_READS), for /metrics. */
    public ReadGate readGate() {
        return primaryReads.reads();
    }

    /** The bound on background recounts running on the primary at once (each also holds a read slot), for /metrics. */
    public ReadGate recountGate() {
        return primaryReads.recounts();
    }

    @Override
    public void close() {
        if (readRouting != null) {
            readRouting.close();
        }
        ingestDataSource.close();
        dataSource.close();
    }
}
