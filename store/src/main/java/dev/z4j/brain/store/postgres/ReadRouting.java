package dev.z4j.brain.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.JdbcRunner;
import dev.z4j.brain.store.read.JdbcWork;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides whether the operator reads go to the streaming standby or to the primary, and runs them
 * there. A monitor measures the standby's replay lag every {@link ReadReplicaConfig#checkEvery}
 * ({@link ReplayLag}); the standby serves while it answers, is in recovery and lags no more than
 * {@link ReadReplicaConfig#maxLag}. Otherwise reads go to the primary until a later check finds
 * it fit again. Each switch is logged once and counted by reason; a read that fails on the
 * standby because the connection or the recovery got in its way is run again on the primary.
 *
 * <p>A project whose data the operator just changed through the reads (task deletion) is pinned to
 * the primary until the standby has replayed that change: the operator never sees deleted tasks
 * come back.
 */
public final class ReadRouting implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReadRouting.class.getName());

    public enum Target { STANDBY, PRIMARY }

    /** Why reads went to the primary (the label of z4j_read_replica_fallbacks_total). */
    public enum Reason {
        /** The standby cannot be reached (connection refused, lost, or its pool cannot connect). */
        DOWN("down"),
        /** Its replay lag exceeds the bound. */
        LAG("lag"),
        /** It answers but is not in recovery (promoted, or the URL names a primary). */
        NOT_STANDBY("not_standby"),
        /** One read failed on the standby and was run again on the primary. */
        READ_FAILED("read_failed");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /** Where reads go now; {@code reason} is null while the standby serves. */
    public record State(Target target, Reason reason) {
        static final State STANDBY = new State(Target.STANDBY, null);
    }

    /** A project pinned to the primary until the standby replayed {@code lsn} or {@code expiresAtNanos} passed. */
    private record Pin(long lsn, long expiresAtNanos) {}

    private final Transactions primary;
    private final PrimaryReads primaryReads; // a read that falls back takes its lane's slot on the primary like any other
    private final HikariDataSource standby;
    private final ReadReplicaConfig config;
    private final ReplayLag replayLag = new ReplayLag();
    private final ReentrantLock checking = new ReentrantLock();
    private final ReentrantLock switching = new ReentrantLock();
    private final Map<UUID, Pin> pins = new ConcurrentHashMap<>();
    private final Map<Reason, LongAdder> fallbacks = new EnumMap<>(Reason.class);
    private final Map<Target, LongAdder> served = new EnumMap<>(Target.class);
    private final ScheduledExecutorService monitor;
    private volatile State state = new State(Target.PRIMARY, Reason.DOWN);
    private volatile boolean checkedOnce;
    private boolean catchingUpLogged; // guarded by switching
    private volatile long lagNanos = -1;
    private volatile long replayedLsn = -1;
    private Connection monitorConnection; // guarded by checking

    private ReadRouting(Transactions primary, PrimaryReads primaryReads, HikariDataSource standby, ReadReplicaConfig config) {
        this.primary = primary;
        this.primaryReads = primaryReads;
        this.standby = standby;
        this.config = config;
        for (Reason r : Reason.values()) {
            fallbacks.put(r, new LongAdder());
        }
        for (Target t : Target.values()) {
            served.put(t, new LongAdder());
        }
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "z4j-read-replica-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks the standby once (so the first reads already know where to go), then every checkEvery. */
    static ReadRouting start(Transactions primary, PrimaryReads primaryReads, HikariDataSource standby,
                             ReadReplicaConfig config) {
        ReadRouting routing = new ReadRouting(primary, primaryReads, standby, config);
        routing.check();
        long every = config.checkEvery().toMillis();
        routing.monitor.scheduleWithFixedDelay(routing::checkQuietly, every, every, TimeUnit.MILLISECONDS);
        return routing;
    }

    // ------------------------------------------------------------------ where reads go

    public State state() {
        return state;
    }

    /** The replay lag at the last check in milliseconds; -1 while it is not known (standby down or catching up). */
    public long lagMillis() {
        long n = lagNanos;
        return n < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(n);
    }

    public long fallbacks(Reason reason) {
        return fallbacks.get(reason).sum();
    }

    /** Reads that may be stale answered by {@code target} (reads that must be fresh are not counted). */
    public long served(Target target) {
        return served.get(target).sum();
    }

    void servedByPrimary() {
        served.get(Target.PRIMARY).increment();
    }

    /** True if a read of {@code project} may go to the standby now. */
    boolean standbyFor(UUID project) {
        return state.target() == Target.STANDBY && !pinned(project);
    }

    /** True if a read of these projects (null: every project) may go to the standby now. */
    boolean standbyFor(Collection<UUID> projects) {
        if (state.target() != Target.STANDBY) {
            return false;
        }
        if (projects == null) {
            return pins.keySet().stream().noneMatch(this::pinned);
        }
        return projects.stream().noneMatch(this::pinned);
    }

    private boolean pinned(UUID project) {
        Pin pin = pins.get(project);
        return pin != null && pin.lsn() > replayedLsn && System.nanoTime() - pin.expiresAtNanos() < 0;
    }

    /**
     * Called after a write to {@code project} committed on the primary: its reads stay on the
     * primary until the standby replayed the primary's current WAL position. If that position
     * cannot be read, the pin holds for maxLag plus two checks, after which any standby that is
     * still serving has replayed the write (its measured lag would exceed the bound otherwise).
     */
    void pinUntilReplayed(UUID project) {
        long lsn;
        try {
            lsn = primary.inTransaction("read replica: primary WAL position", ReadRouting::primaryLsn);
        } catch (StoreException e) {
            lsn = Long.MAX_VALUE;
        }
        long expires = System.nanoTime() + config.maxLag().toNanos() + 2 * config.checkEvery().toNanos();
        Pin pin = new Pin(lsn, expires);
        pins.merge(project, pin, (a, b) -> new Pin(Math.max(a.lsn(), b.lsn()), Math.max(a.expiresAtNanos(), b.expiresAtNanos())));
    }

    /** Reads on the standby while it serves, else (and when the standby fails the read) on the primary; writes on the primary. */
    JdbcRunner runner() {
        return new JdbcRunner() {
            @Override
            public <T> T read(String what, JdbcWork<T> work) throws StoreException {
                return ReadRouting.this.read(what, work, false);
            }

            @Override
            public <T> T readInBackground(String what, JdbcWork<T> work) throws StoreException {
                return ReadRouting.this.read(what, work, true);
            }

            @Override
            public <T> T write(String what, JdbcWork<T> work) throws StoreException {
                return primary.inTransaction(what, work::run);
            }
        };
    }

    /** {@code background}: a recount nobody waits for, in the recount lane when it runs on the primary. */
    <T> T read(String what, JdbcWork<T> work, boolean background) throws StoreException {
        if (state.target() == Target.STANDBY) {
            try {
                T result = onStandby(work);
                served.get(Target.STANDBY).increment();
                return result;
            } catch (SQLException e) {
                if (!worthPrimary(e)) {
                    throw PgErrors.translate(what + " on the read replica", e);
                }
                fallbacks.get(Reason.READ_FAILED).increment();
                if (connectionLost(e)) {
                    switchTo(new State(Target.PRIMARY, Reason.DOWN), "a read failed: " + e.getMessage());
                }
            }
        }
        T result = background ? primaryReads.readInBackground(what, work) : primaryReads.read(what, work);
        served.get(Target.PRIMARY).increment();
        return result;
    }

    private <T> T onStandby(JdbcWork<T> work) throws SQLException {
        try (Connection c = standby.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof SQLException s && connectionLost(s)) {
                    standby.evictConnection(c);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection is discarded by the pool on close
                }
            }
        }
    }

    /**
     * Failures the primary can answer instead: the standby's connection (class 08, 57P
     * shutdowns, I/O, no SQLState, its pool timing out) and recovery conflicts (40001, 40P01: replay
     * cancelled the query). Statement errors and timeouts would fail on the primary too.
     */
    private static boolean worthPrimary(SQLException e) {
        String state = e.getSQLState();
        return connectionLost(e) || e instanceof SQLTransientConnectionException
                || "40001".equals(state) || "40P01".equals(state);
    }

    private static boolean connectionLost(SQLException e) {
        if (e instanceof SQLTransientConnectionException && e.getCause() == null) {
            return false; // the standby's pool is busy, not gone
        }
        String state = e.getSQLState();
        if (state == null || state.startsWith("08") || state.startsWith("57P")) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ the monitor

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "read replica check failed", e);
        }
    }

    /** Measures the standby now and moves reads accordingly (the monitor calls this every checkEvery). */
    void check() {
        checking.lock();
        try {
            long primaryAt = System.nanoTime();
            long primaryLsn;
            try {
                primaryLsn = primary.inTransaction("read replica: primary WAL position", ReadRouting::primaryLsn);
            } catch (StoreException e) {
                return; // the primary is down: nothing to compare with, and reads fail there anyway
            }
            boolean inRecovery;
            long replayed;
            try (Statement s = monitorConnection().createStatement()) {
                s.setQueryTimeout((int) Math.max(1, config.maxLag().toSeconds()));
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), "
                        + "pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint")) {
                    rs.next();
                    inRecovery = rs.getBoolean(1);
                    replayed = rs.getLong(2);
                }
            } catch (SQLException e) {
                closeMonitorConnection();
                replayLag.reset();
                lagNanos = -1;
                switchTo(new State(Target.PRIMARY, Reason.DOWN), e.getMessage());
                return;
            }
            if (!inRecovery) {
                replayLag.reset();
                lagNanos = -1;
                switchTo(new State(Target.PRIMARY, Reason.NOT_STANDBY), "pg_is_in_recovery() is false");
                return;
            }
            replayedLsn = replayed;
            long lag = replayLag.observe(primaryLsn, primaryAt, replayed, System.nanoTime());
            lagNanos = lag == ReplayLag.UNKNOWN ? -1 : lag;
            long now = System.nanoTime();
            pins.values().removeIf(pin -> pin.lsn() <= replayed || now - pin.expiresAtNanos() >= 0);
            if (lag == ReplayLag.UNKNOWN) {
                catchingUp();
            } else if (lag > config.maxLag().toNanos()) {
                switchTo(new State(Target.PRIMARY, Reason.LAG), "replay lag " + TimeUnit.NANOSECONDS.toMillis(lag)
                        + " ms exceeds " + ReadReplicaConfig.LAG_SETTING + "=" + config.maxLag().toMillis());
            } else {
                switchTo(State.STANDBY, "replay lag " + TimeUnit.NANOSECONDS.toMillis(lag) + " ms");
            }
        } finally {
            checking.unlock();
        }
    }

    /**
     * The monitor's own connection to the standby, outside its pool: a pool busy with reads must
     * not read as a standby that is down. Opened again after a failure. Only under {@code checking}.
     */
    private Connection monitorConnection() throws SQLException {
        if (monitorConnection == null) {
            Properties props = new Properties();
            props.putAll(standby.getDataSourceProperties());
            props.setProperty("ApplicationName", "z4j-brain-read-monitor");
            if (standby.getUsername() != null) {
                props.setProperty("user", standby.getUsername());
            }
            if (standby.getPassword() != null) {
                props.setProperty("password", standby.getPassword());
            }
            monitorConnection = DriverManager.getConnection(standby.getJdbcUrl(), props);
        }
        return monitorConnection;
    }

    private void closeMonitorConnection() {
        if (monitorConnection != null) {
            try {
                monitorConnection.close();
            } catch (SQLException ignored) {
                // it is being discarded because it failed
            }
            monitorConnection = null;
        }
    }

    /**
     * The primary's WAL insert position, not {@code pg_current_wal_lsn()} (the write position): with
     * synchronous_commit=off a commit returns before its record is written, and a standby that
     * replayed up to the write position may not show that commit yet (seen in tests). The insert
     * position of an idle primary can sit just past a page header, where no record ends; see
     * {@link ReplayLag#recordEnd}.
     */
    private static long primaryLsn(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint, "
                        + "current_setting('wal_block_size')::int")) {
            rs.next();
            return ReplayLag.recordEnd(rs.getLong(1), rs.getInt(2));
        }
    }

    /**
     * First check (at start, or back after an outage) and the standby is behind: reads stay where
     * they are (on the primary) until its lag is known; not a new fallback. Logged once.
     */
    private void catchingUp() {
        switching.lock();
        try {
            if (!catchingUpLogged) {
                catchingUpLogged = true;
                LOG.info("read replica answers and is catching up; operator reads stay on the primary until it has");
            }
        } finally {
            switching.unlock();
        }
    }

    /** One log line and one count per change of where reads go, none while it stays put. */
    private void switchTo(State next, String why) {
        switching.lock();
        try {
            State before = state;
            boolean first = !checkedOnce;
            checkedOnce = true;
            if (!first && before.equals(next)) {
                return;
            }
            catchingUpLogged = false;
            if (next.target() == Target.PRIMARY) {
                fallbacks.get(next.reason()).increment(); // counted before it shows: readers of both agree
            }
            state = next;
            if (next.target() == Target.STANDBY) {
                LOG.info("operator reads go to the read replica (" + why + ")");
            } else {
                LOG.warning("operator reads fall back to the primary: read replica " + next.reason().label
                        + " (" + why + ")");
            }
        } finally {
            switching.unlock();
        }
    }

    @Override
    public void close() {
        monitor.shutdownNow();
        try {
            monitor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checking.lock();
        try {
            closeMonitorConnection();
        } finally {
            checking.unlock();
        }
        standby.close();
    }
}
