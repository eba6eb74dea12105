package dev.z4j.brain.bench;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.postgres.PgEventStore;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding 1000 normalised events into PostgreSQL COPY text, the bytes {@code PgEventStore}
 * streams into its staging table before every merge. Measured through
 * {@link PgEventStore#eventCopyEncoder()}, the very code the write path runs, with its buffer
 * reused across calls as the persister's is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CopyEncodingBenchmark {
    static final int ROWS = 1000;

    private List<EventRow> rows;
    private ToIntFunction<List<EventRow>> encoder;

    /** Reported by JMH as {@code encode:bytes} in bytes per second next to the rows/s score. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;
    }

    @Setup
    public void setup() {
        rows = CeleryEvents.rows(ROWS, new SplittableRandom(7), Instant.now(), CeleryEvents.PROJECT,
                CeleryEvents.AGENT);
        encoder = PgEventStore.eventCopyEncoder();
    }

    /** Score: rows/s (one invocation encodes all {@value #ROWS} rows). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int encode(Bytes out) {
        int written = encoder.applyAsInt(rows);
        out.bytes += written;
        return written;
    }
}
