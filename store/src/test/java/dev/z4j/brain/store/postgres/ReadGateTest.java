package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.read.SqlOperatorReads;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operator reads on the primary are bounded (Z4J_DB_READS): past the bound they wait for a slot,
 * then are told the database is busy, naming the setting; the ingest writer and the rest of the
 * pool are not behind that bound.
 */
class ReadGateTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static String url;
    private static UUID project;
    private static UUID agent;
    // each read blocks its thread on the lock: one thread per read (the common pool may have one)
    private static final ExecutorService READERS = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void setUp() throws Exception {
        url = SharedPostgres.freshDatabaseUrl("readgate");
        try (PostgresDatabase db = SharedPostgres.openMigrated(url)) {
            db.ensurePartitions(NOW, 1);
            project = db.directory().createProject("gate", "Gate").id();
            agent = db.directory().createAgent(project, "a1", "hash-gate").id();
        }
    }

    @Test
    void aReadPastTheBoundWaitsForASlotThenIsBusyWhileWritesAndOtherPoolUsersGoOn() throws Exception {
        // one read at a time, four pooled connections, one second to wait for either
        try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(url, Path.of("/tmp"), 10_000, 4, 1),
                Duration.ofSeconds(1));
             Connection holder = db.dataSource().getConnection();
             Statement s = holder.createStatement()) {
            ReadGate gate = db.readGate();
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE commands IN ACCESS EXCLUSIVE MODE"); // a table the ingest writer does not touch

            CompletableFuture<Optional<?>> stuck = commandRead(db);
            await().atMost(Duration.ofSeconds(5)).until(() -> gate.inFlight() == 1);

            long started = System.nanoTime();
            StoreException busy = catchThrowableOfType(StoreException.class, () -> db.reads().queues(project));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(busy).as("a second read while the only slot is taken").isNotNull();
            assertThat(busy.busy()).isTrue();
            assertThat(busy.getMessage()).contains("Z4J_DB_READS").contains("all 1 read slots");
            assertThat(waitedMs).as("it waited for the slot as long as for a pooled connection").isGreaterThanOrEqualTo(900);
            assertThat(gate.refused()).isEqualTo(1);
            // the pool still had connections: what is not an operator read is not held back
            assertThat(db.directory().projectBySlug("gate")).isPresent();
            EventRow e = new EventRow(UUID.randomUUID(), project, agent, "celery", "t-gate", "task.received",
                    NOW, NOW, "{}", null, null, null);
            assertThat(db.eventStore().write(List.of(e))).containsExactly(true);
            assertThat(stuck).isNotDone();

            holder.rollback(); // the lock goes: the stuck read ends, its slot is free again
            assertThat(stuck.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(gate.inFlight()).isZero();
            assertThat(db.reads().queues(project)).isNotNull();
        }
    }

    @Test
    void readsUpToTheBoundRunAtOnceAndTheNextWaitsItsTurn() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(url, Path.of("/tmp"), 10_000, 4, 2),
                Duration.ofSeconds(5));
             Connection holder = db.dataSource().getConnection();
             Statement s = holder.createStatement()) {
            ReadGate gate = db.readGate();
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE commands IN ACCESS EXCLUSIVE MODE"); // a table the ingest writer does not touch
            List<CompletableFuture<Optional<?>>> reads = List.of(commandRead(db), commandRead(db), commandRead(db));

            await().atMost(Duration.ofSeconds(4)).until(() -> gate.inFlight() == 2 && gate.waiting() == 1);
            holder.rollback();

            for (CompletableFuture<Optional<?>> read : reads) {
                assertThat(read.get(10, TimeUnit.SECONDS)).isEmpty();
            }
            assertThat(gate.refused()).isZero();
            assertThat(gate.inFlight()).isZero();
            assertThat(gate.waiting()).isZero();
        }
    }

    @Test
    void recountsHoldAtMostOneReadSlotSoRequestsKeepTheOthers() throws Exception {
        // two read slots; every count is kept (exact below 0 tasks) and due for a recount as soon as it is counted
        try (PostgresDatabase db = PostgresDatabase.open(new DatabaseConfig(url, Path.of("/tmp"), 10_000, 4, 2),
                Duration.ofSeconds(1));
             Connection holder = db.dataSource().getConnection();
             Statement s = holder.createStatement()) {
            SqlOperatorReads reads = new SqlOperatorReads(
                    new PrimaryReads(new Transactions(db.dataSource()), db.readGate(), db.recountGate()),
                    PgReadDialect.INSTANCE, 0, Duration.ZERO);
            Instant since = NOW.minus(Duration.ofHours(24));
            // counted on these requests: the stats page's window count and the home page's are kept from here on
            reads.stats(project, since);
            reads.activity(List.of(project), since, NOW);
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE"); // recounts stall; the rest of both pages does not read tasks

            // The two counts fall due together: one recount runs (and stalls), the other waits for the recount slot.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                reads.stats(project, since); // answers the kept counts and starts the recounts that are due
                reads.activity(List.of(project), since, NOW);
                return db.recountGate().inFlight() == 1 && db.recountGate().waiting() == 1;
            });

            assertThat(db.readGate().inFlight()).as("recounts hold one read slot, not both").isEqualTo(1);
            assertThat(reads.stats(project, since).tasksByState()).isNotNull();
            assertThat(reads.queues(project)).isNotNull();
            assertThat(db.readGate().refused()).as("no request waited out the recounts").isZero();

            holder.rollback();
            await().atMost(Duration.ofSeconds(10)).until(() -> db.recountGate().inFlight() == 0);
            assertThat(db.readGate().inFlight()).isZero();
        }
    }

    private static CompletableFuture<Optional<?>> commandRead(PostgresDatabase db) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return db.reads().command(project, UUID.randomUUID());
            } catch (StoreException e) {
                throw new IllegalStateException(e);
            }
        }, READERS);
    }
}
