package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class FrameSignerTest {
    private final byte[] secret = new byte[32];
    private final SessionBinding binding = new SessionBinding("agent", "project", "session");

    /**
     * The transport blocks on a slow peer. A monitor held around it pins the carrier of a virtual
     * thread on Java 21, so the signer must hand bytes over holding no monitor of its own.
     */
    @Test
    void theTransportRunsWithoutTheSignersMonitor() {
        FrameSigner signer = new FrameSigner(secret, binding);
        List<Boolean> monitorHeld = new ArrayList<>();
        signer.signAndSend(heartbeat(1), wire -> monitorHeld.add(Thread.holdsLock(signer)));
        assertThat(monitorHeld).containsExactly(false);
    }

    @Test
    void concurrentSendersReachTheTransportInSeqOrder() throws Exception {
        FrameSigner signer = new FrameSigner(secret, binding, Clock.systemUTC(), FrameSigner::randomNonce);
        FrameVerifier reader = new FrameVerifier(secret, binding, ReplayGuard.systemClock());
        List<Long> wireOrder = new ArrayList<>(); // guarded by the signer's lock while sending
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                int n = i;
                pool.submit(() -> signer.signAndSend(heartbeat(n), wire -> wireOrder.add(reader.verify(wire).seq())));
            }
        }
        assertThat(wireOrder).hasSize(400);
        for (int i = 0; i < wireOrder.size(); i++) {
            assertThat(wireOrder.get(i)).isEqualTo(i + 1L);
        }
        assertThat(signer.lastSeq()).isEqualTo(400);
    }

    private static Frame heartbeat(int n) {
        return Frame.outbound("hb_" + n, new Frame.Heartbeat(0, null, 0, Map.of()));
    }
}
