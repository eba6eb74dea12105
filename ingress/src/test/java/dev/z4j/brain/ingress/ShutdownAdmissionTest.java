package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brain shutting down sends away agents that reconnect to it before its listener closes (they
 * come back 1 s after its 1001): they would get a session that stores nothing and is cut soon.
 */
class ShutdownAdmissionTest {
    @TempDir
    Path home;
    GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aSocketOpeningAfterCloseAllIsSentAwayWith1001BeforeItsHelloAck() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("late");
        FakeSession early = FakeSession.open();
        h.connect(agent, "w1", early);
        assertThat(early.idsOf("hello_ack")).hasSize(1);

        h.gateway.closeAll(Duration.ZERO);
        FakeSession late = FakeSession.open();
        h.connect(agent, "w2", late);

        assertThat(late.closed).isCompletedWithValue(CloseCodes.GOING_AWAY);
        assertThat(late.idsOf("hello_ack")).isEmpty();
        assertThat(h.gateway.openSockets()).isZero();
    }
}
