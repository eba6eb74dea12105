package dev.z4j.brain.bench;

import dev.z4j.brain.protocol.Frame;
import dev.z4j.brain.protocol.FrameSigner;
import dev.z4j.brain.protocol.FrameVerifier;
import dev.z4j.brain.protocol.ReplayGuard;
import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.protocol.SessionBinding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A pool of freshly signed 100-event {@code event_batch} frames, each with its own seq and nonce,
 * plus verifiers that accept every one of them.
 *
 * <p>The events are those of the golden vector {@code event_batch_100_events} (copied verbatim to
 * {@code event_batch_100_events.json}); only the envelope is re-signed. The golden bytes alone
 * cannot be verified repeatedly: the replay guard rejects a repeated seq or nonce and a ts more
 * than 60 s old, and a verifier that rejects skips most of the work we want to measure.
 */
final class SignedBatches {
    static final String RESOURCE = "/event_batch_100_events.json";

    // vectors.json "inputs" and the frame's "verifier_now": public test values, not real secrets.
    private static final String MASTER_SECRET = "z4j-golden-vector-master-secret-0123456789-ABCDEF";
    private static final UUID PROJECT_ID = UUID.fromString("3f2a8c1e-5b7d-4e9f-a1c3-0d5e7f9b2a46");
    private static final SessionBinding BINDING = new SessionBinding(
            "8b1d4f6a-2c3e-4a5b-9d7f-1e2a3b4c5d6e",
            PROJECT_ID.toString(),
            "c7e9a1b3-d5f7-4193-8b2d-4f6a8c0e1a3c");
    private static final Instant GOLDEN_VERIFIER_NOW = Instant.parse("2026-05-11T09:30:00.193456Z");
    private static final int GOLDEN_EVENTS = 100;

    private final byte[] projectSecret = Secrets.projectSecret(
            MASTER_SECRET.getBytes(StandardCharsets.UTF_8), PROJECT_ID);
    private final Clock signedAt;
    private final byte[][] frames;

    /**
     * Signs {@code size} frames with seq 1..size at the current time, then verifies all of them once
     * so a broken pool fails the setup instead of silently measuring the reject path.
     */
    SignedBatches(int size) {
        this(size, GOLDEN_EVENTS);
    }

    /** As {@link #SignedBatches(int)}, each frame holding the golden batch's first {@code events} events. */
    SignedBatches(int size, int events) {
        Frame golden = verifyGolden();
        Frame.EventBatch all = (Frame.EventBatch) golden.payload();
        if (events < 1 || events > all.events().size()) {
            throw new IllegalArgumentException("events must be 1.." + all.events().size());
        }
        Frame.EventBatch payload = new Frame.EventBatch(all.events().subList(0, events));
        signedAt = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        FrameSigner signer = new FrameSigner(projectSecret, BINDING, signedAt, FrameSigner::randomNonce);
        frames = new byte[size][];
        for (int i = 0; i < size; i++) {
            frames[i] = signer.sign(Frame.outbound(String.format("ev_bench%07d", i), payload));
        }
        FrameVerifier check = newVerifier();
        for (int i = 0; i < size; i++) {
            Frame f = check.verify(frames[i]);
            if (f.seq() != i + 1 || !(f.payload() instanceof Frame.EventBatch b) || b.events().size() != events) {
                throw new IllegalStateException("pool frame " + i + " decoded unexpectedly: seq " + f.seq());
            }
        }
    }

    int size() {
        return frames.length;
    }

    /** The wire bytes of the frame with seq {@code i + 1}. */
    byte[] frame(int i) {
        return frames[i];
    }

    /**
     * A verifier with an empty replay guard whose wall clock is pinned to the signing time, so ts
     * never goes stale however long the benchmark runs. It accepts the pool once, in order.
     */
    FrameVerifier newVerifier() {
        return new FrameVerifier(projectSecret, BINDING, new ReplayGuard(signedAt, System::nanoTime));
    }

    /** The copied golden bytes must still verify at the golden time: proves the resource is intact. */
    private Frame verifyGolden() {
        byte[] wire = readResource();
        ReplayGuard guard = new ReplayGuard(Clock.fixed(GOLDEN_VERIFIER_NOW, ZoneOffset.UTC), System::nanoTime);
        return new FrameVerifier(projectSecret, BINDING, guard).verify(wire);
    }

    static byte[] readResource() {
        try (InputStream in = SignedBatches.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
