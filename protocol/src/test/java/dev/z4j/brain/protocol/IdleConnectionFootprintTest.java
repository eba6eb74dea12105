package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a connection's signer and verifier keep between frames: an agent socket lives for hours and
 * is idle most of the time, so the largest frame it ever carried must not stay with it.
 */
class IdleConnectionFootprintTest {
    private static final byte[] SECRET = new byte[32];
    private static final int LARGE_FRAME_CHARS = 200_000; // a batch of ~400 events

    @Test
    void aConnectionKeepsNoBufferOfTheLargestFrameItCarried() throws Exception {
        int connections = 100;
        List<Object> kept = new ArrayList<>();
        long before = Heap.usedAfterGc();
        for (int i = 0; i < connections; i++) {
            SessionBinding binding = new SessionBinding("agent-" + i, "project", UUID.randomUUID().toString());
            FrameSigner signer = new FrameSigner(SECRET, binding);
            FrameVerifier verifier = new FrameVerifier(SECRET, binding, ReplayGuard.systemClock());
            verifier.verify(signer.sign(large(i)));
            kept.add(signer);
            kept.add(verifier);
        }
        double perConnection = (double) (Heap.usedAfterGc() - before) / connections;
        assertThat(kept).hasSize(2 * connections);
        // a buffer per direction grown to the frame would be 2 x 200 KB
        assertThat(perConnection).as("bytes a signer + verifier pair keeps").isLessThan(20_000);
    }

    @Test
    void connectionsOfOneProjectShareItsMacs() throws Exception {
        int connections = 2000;
        MacPool project = new MacPool(SECRET);
        List<Object> kept = new ArrayList<>();
        long before = Heap.usedAfterGc();
        for (int i = 0; i < connections; i++) {
            SessionBinding binding = new SessionBinding("agent", "project", "session");
            FrameSigner signer = new FrameSigner(project, binding);
            FrameVerifier verifier = new FrameVerifier(project, binding, ReplayGuard.systemClock());
            verifier.verify(signer.sign(heartbeat("ok")));
            kept.add(signer);
            kept.add(verifier);
        }
        double perConnection = (double) (Heap.usedAfterGc() - before) / connections;
        assertThat(kept).hasSize(2 * connections);
        System.out.printf("signer + verifier sharing the project's Macs: %.0f bytes per connection%n", perConnection);
        // a keyed HMAC-SHA256 is ~625 bytes: a Mac per direction alone would be 1,250
        assertThat(perConnection).as("bytes a signer + verifier pair keeps").isLessThan(700);
    }

    private static Frame large(int n) {
        return heartbeat("x".repeat(LARGE_FRAME_CHARS) + n);
    }

    private static Frame heartbeat(String health) {
        return Frame.outbound("hb", new Frame.Heartbeat(0, null, 0, Map.of("celery.note", health)));
    }
}
