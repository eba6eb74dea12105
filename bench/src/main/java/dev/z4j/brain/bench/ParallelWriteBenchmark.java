package dev.z4j.brain.bench;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a second ingest writer buys on the write path alone: {@link EventStore#write} of 1000 new
 * rows per call from as many threads as JMH runs ({@code -t 1}, {@code -t 2}), each with its own
 * store (its own connection, as each of the brain's writers has) and its own agent, against one
 * embedded PostgreSQL 17. The rows share one worker and one queue, so the writers meet on those
 * rows and on the kept task counts as the brain's writers do. Compare the scores of {@code -t 1}
 * and {@code -t 2} taken in one session; {@code sync=on} adds a WAL flush to every commit (a
 * production server's default), which a second writer also overlaps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ParallelWriteBenchmark {
    static final int ROWS = 1000;
    /** synchronous_commit and fsync: off as in the capacity tool, or on. */
    @Param({"off"})
    public String sync;
    EmbeddedPostgres postgres;
    PostgresDatabase database;
    UUID project;
    final AtomicInteger seq = new AtomicInteger();

    @State(Scope.Thread)
    public static class Writer {
        EventStore store;
        UUID agent;
        SplittableRandom random;
        List<EventRow> rows;
        boolean[] inserted;

        @Setup
        public void open(ParallelWriteBenchmark b) throws StoreException {
            int n = b.seq.incrementAndGet();
            store = b.database.eventStore();
            agent = b.database.directory().createAgent(b.project, "bench-agent-" + n, "hash-" + n).id();
            random = new SplittableRandom(11 + n);
        }

        @Setup(Level.Invocation) // outside the measured time
        public void next(ParallelWriteBenchmark b) {
            rows = CeleryEvents.rows(ROWS, random, Instant.now(), b.project, agent);
        }

        @TearDown(Level.Invocation)
        public void check() {
            for (boolean x : inserted) {
                if (!x) throw new IllegalStateException("not inserted");
            }
        }
    }

    @Setup
    public void start() throws IOException, StoreException {
        postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", sync).setServerConfig("fsync", sync).start();
        Path home = Files.createTempDirectory("z4j-bench");
        String url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
        database = PostgresDatabase.open(new DatabaseConfig(url, home, 60_000, 2));
        database.migrate();
        database.ensurePartitions(Instant.now(), 1);
        project = database.directory().createProject("bench", "bench").id();
    }

    @TearDown
    public void stop() throws IOException {
        database.close();
        postgres.close();
    }

    /** Score: rows/s of brand-new events over all threads. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public boolean[] writeNew(Writer w) throws StoreException {
        return w.inserted = w.store.write(w.rows);
    }
}
