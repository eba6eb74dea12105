package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.Selector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WsUpgradeTest {
    @Test
    void theRfcExampleKeyGivesTheRfcAccept() {
        assertThat(WsUpgrade.expectedAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void upgradesWithTheBearerAndRefusesA401() throws Exception {
        try (FakeBrain brain = new FakeBrain(10); Selector sel = Selector.open()) {
            WsUpgrade.Opened opened = WsUpgrade.open(brain.url(), FakeBrain.TOKEN, sel, TimeUnit.SECONDS.toNanos(5),
                    new SplittableRandom());
            assertThat(opened.channel().isConnected()).isTrue();
            assertThat(opened.channel().isBlocking()).isFalse();
            opened.channel().close();
        }
        try (FakeBrain brain = new FakeBrain(10); Selector sel = Selector.open()) {
            assertThatThrownBy(() -> WsUpgrade.open(brain.url(), "wrong-token", sel, TimeUnit.SECONDS.toNanos(5),
                    new SplittableRandom())).isInstanceOfSatisfying(WsUpgrade.Refused.class,
                    e -> assertThat(e.status).isEqualTo(401));
        }
    }
}
