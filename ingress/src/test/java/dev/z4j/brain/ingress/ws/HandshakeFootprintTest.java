package dev.z4j.brain.ingress.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.protocol.Heap;
import org.junit.jupiter.api.Test;

/**
 * The handshake runs on the socket's own virtual thread, which then parks for the socket's life:
 * nothing it computes may stay cached on that thread.
 */
class HandshakeFootprintTest {
    @Test
    void theAcceptKeyIsRfc6455s() {
        assertThat(WsEndpoints.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void computingTheAcceptKeyLeavesNothingOnTheSocketThread() throws Exception {
        int threads = 2000;
        double parked = Heap.retainedPerParkedThread(threads, () -> { });
        double accepted = Heap.retainedPerParkedThread(threads, () -> WsEndpoints.accept("dGhlIHNhbXBsZSBub25jZQ=="));
        // MessageDigest.getInstance caches its provider lookup in a ThreadLocal: a ThreadLocalMap
        // and a service key, about 200 bytes on every socket thread
        assertThat(accepted - parked).as("bytes per thread the handshake leaves behind").isLessThan(80);
    }
}
