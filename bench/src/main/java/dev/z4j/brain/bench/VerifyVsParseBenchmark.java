package dev.z4j.brain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.Json;
import dev.z4j.brain.protocol.JsonWriter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What verifying one 100-event {@code event_batch} (about 32 KB) costs, next to what merely
 * parsing it costs. Every benchmark that reads bytes walks the same pool of distinct frames, so
 * all of them see the same memory traffic as {@link #verify}, which needs a new frame per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VerifyVsParseBenchmark {
    /** As many frames as one replay guard remembers nonces (ReplayGuard.MAX_NONCES). */
    static final int POOL_SIZE = 4096;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SignedBatches pool;
    private FrameVerifier verifier;
    private int nextToVerify;
    private int nextToParse;
    private Object parsedTree;

    @Setup
    public void setup() {
        pool = new SignedBatches(POOL_SIZE);
        verifier = pool.newVerifier();
        parsedTree = Json.parse(pool.frame(0));
    }

    /** Parse + canonical envelope + HMAC-SHA256 + replay guard + typed decode: the real inbound path. */
    @Benchmark
    public Frame verify() {
        if (nextToVerify == pool.size()) {
            // The guard has seen every seq and nonce of the pool; a fresh session accepts them again.
            // Costs one Mac init per POOL_SIZE calls.
            verifier = pool.newVerifier();
            nextToVerify = 0;
        }
        return verifier.verify(pool.frame(nextToVerify++));
    }

    /** Baseline: Jackson's own tree model, the cheapest "read it all" a Java server would do. */
    @Benchmark
    public JsonNode jacksonTreeParse() throws IOException {
        return MAPPER.readTree(nextFrame());
    }

    /** The protocol's parser alone (Jackson streaming into maps and lists, Python number rules). */
    @Benchmark
    public Object parseOnly() {
        return Json.parse(nextFrame());
    }

    /**
     * Canonical JSON of an already parsed frame (sorted keys, Python escaping and float repr).
     * Uses the public allocating entry point; verify writes into a reused buffer instead.
     */
    @Benchmark
    public byte[] canonicalOnly() {
        return JsonWriter.canonical(parsedTree);
    }

    private byte[] nextFrame() {
        if (nextToParse == pool.size()) {
            nextToParse = 0;
        }
        return pool.frame(nextToParse++);
    }
}
