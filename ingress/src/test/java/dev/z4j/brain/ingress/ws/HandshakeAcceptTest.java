package dev.z4j.brain.ingress.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The handshake's accept key, computed with a clone of one looked-up SHA-1 digest. */
class HandshakeAcceptTest {
    @Test
    void theAcceptKeyIsRfc6455s() {
        assertThat(Handshake.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(Handshake.accept(" dGhlIHNhbXBsZSBub25jZQ== ")).as("the key is trimmed")
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
