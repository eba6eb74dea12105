package dev.z4j.brain.bench;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link EventStore#write} of one 1000-row batch against a real PostgreSQL 17 (embedded, started
 * per fork): COPY into staging, merge into the partitioned events table skipping duplicates, then
 * the task, worker, queue and agent projections, all in one transaction.
 *
 * <p>{@link #writeNew} gets rows never stored before on every call, so every row is a real insert
 * and the tasks table grows; {@link #writeDuplicates} resends one batch that is already stored,
 * which is what an agent's resend after a lost ack costs (merge finds only conflicts, the
 * projections have nothing to do); {@link #writeLifecycleEnds} writes the started and succeeded
 * events of tasks whose received event is stored already, so every task row is an update (the
 * ON CONFLICT path and its state precedence), as when a lifecycle spans batches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PersisterWriteBenchmark {
    static final int ROWS = 1000;

    private EmbeddedPostgres postgres;
    private PostgresDatabase database;
    private EventStore store;
    private UUID project;
    private UUID agent;
    private List<EventRow> alreadyStored;
    private final SplittableRandom random = new SplittableRandom(11);

    /** A batch built before each call (outside the measured time) and checked after it. */
    @State(Scope.Thread)
    public static class FreshBatch {
        List<EventRow> rows;
        boolean[] inserted;

        @Setup(Level.Invocation)
        public void next(PersisterWriteBenchmark bench) {
            rows = bench.newRows();
        }

        @TearDown(Level.Invocation)
        public void check() {
            requireAll(inserted, true, "fresh rows");
        }
    }

    /**
     * 500 lifecycles whose task.received events are written before the call (outside the measured
     * time); the call writes their 1000 started and succeeded events.
     */
    @State(Scope.Thread)
    public static class LifecycleEnds {
        List<EventRow> rows;
        boolean[] inserted;

        @Setup(Level.Invocation)
        public void next(PersisterWriteBenchmark bench) throws StoreException {
            List<EventRow> lifecycles = CeleryEvents.rows(ROWS * 3 / 2, bench.random, Instant.now(), bench.project,
                    bench.agent);
            List<EventRow> received = new ArrayList<>(ROWS / 2);
            rows = new ArrayList<>(ROWS);
            for (int i = 0; i < lifecycles.size(); i++) {
                (i % 3 == 0 ? received : rows).add(lifecycles.get(i));
            }
            requireAll(bench.store.write(received), true, "received events");
        }

        @TearDown(Level.Invocation)
        public void check() {
            requireAll(inserted, true, "lifecycle ends");
        }
    }

    @Setup
    public void start() throws IOException, StoreException {
        // zonky turns synchronous_commit off; a production server keeps the default, so every
        // commit here waits for its WAL flush as it would there.
        postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        Path home = Files.createTempDirectory("z4j-bench");
        String url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
        database = PostgresDatabase.open(new DatabaseConfig(url, home, 60_000, 2));
        database.migrate();
        Instant now = Instant.now();
        database.ensurePartitions(now, 1); // rows land in today's partition, as in production
        // Real project and agent rows: the task projection references the project, the agent is touched.
        Directory.Project p = database.directory().createProject("bench", "bench");
        project = p.id();
        agent = database.directory().createAgent(project, "bench-agent", "bench-token-hash").id();
        store = database.eventStore();
        alreadyStored = newRows();
        requireAll(store.write(alreadyStored), true, "first write");
        requireAll(store.write(alreadyStored), false, "resend");
    }

    @TearDown
    public void stop() throws IOException {
        database.close();
        postgres.close();
    }

    /** Score: rows/s of brand-new events (1000 per call). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public boolean[] writeNew(FreshBatch batch) throws StoreException {
        return batch.inserted = store.write(batch.rows);
    }

    /** Score: rows/s of a resent batch whose 1000 rows are all stored already. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public boolean[] writeDuplicates() throws StoreException {
        return store.write(alreadyStored);
    }

    /** Score: rows/s of started and succeeded events whose tasks exist (1000 per call, 500 task updates). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public boolean[] writeLifecycleEnds(LifecycleEnds batch) throws StoreException {
        return batch.inserted = store.write(batch.rows);
    }

    List<EventRow> newRows() {
        return CeleryEvents.rows(ROWS, random, Instant.now(), project, agent);
    }

    private static void requireAll(boolean[] inserted, boolean expected, String what) {
        for (boolean b : inserted) {
            if (b != expected) {
                throw new IllegalStateException(what + ": expected every row inserted=" + expected);
            }
        }
    }
}
