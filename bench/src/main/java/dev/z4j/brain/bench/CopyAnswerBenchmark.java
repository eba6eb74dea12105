package dev.z4j.brain.bench;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FramePeek;
import dev.z4j.brain.protocol.FrameVerifier;
import java.util.HashMap;
import java.util.Map;
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
 * What answering one copy of an already-acked batch costs: recognising it from its envelope (what
 * the brain does) against verifying it in full first. A z4j-bare agent sends one event per frame
 * and re-sends every un-acked frame on every pass, so the brain reads tens of copies per event
 * even with the resend brake (docs/PROTOCOL.md 8.1); this is the figure behind not verifying them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CopyAnswerBenchmark {
    static final int POOL_SIZE = 4096;

    private SignedBatches pool;
    private FrameVerifier verifier;
    private final Map<String, Object> known = new HashMap<>();
    private int nextToVerify;
    private int nextToPeek;

    @Setup
    public void setup() {
        pool = new SignedBatches(POOL_SIZE, 1);
        verifier = pool.newVerifier();
        for (int i = 0; i < POOL_SIZE; i++) {
            known.put(FramePeek.envelope(pool.frame(i), 0, pool.frame(i).length).id(), Boolean.TRUE);
        }
    }

    /** The brain's path for a copy: type, id and ts from the envelope, then the batch-id lookup. */
    @Benchmark
    public Object peekAndLookup() {
        if (nextToPeek == pool.size()) {
            nextToPeek = 0;
        }
        byte[] f = pool.frame(nextToPeek++);
        return known.get(FramePeek.envelope(f, 0, f.length).id());
    }

    /** Verifying the copy first (parse, canonical envelope, HMAC, replay guard), as for a new frame. */
    @Benchmark
    public Frame verify() {
        if (nextToVerify == pool.size()) {
            verifier = pool.newVerifier(); // a fresh guard accepts the pool's seqs and nonces again
            nextToVerify = 0;
        }
        return verifier.verify(pool.frame(nextToVerify++));
    }
}
