package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {
    private static Options parse(String... extra) {
        String[] base = {"--url", "ws://127.0.0.1:7700", "--admin-key", "k"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Options.parse(all);
    }

    @Test
    void agentsOnTheAgentPortAreMintedThroughTheRestUrl() {
        Options o = Options.parse("--url", "ws://127.0.0.1:7701", "--rest-url", "http://127.0.0.1:7700/", "--admin-key", "k");
        assertThat(o.wsUrl()).hasToString("ws://127.0.0.1:7701/ws/agent");
        assertThat(o.restBase()).hasToString("http://127.0.0.1:7700");
        assertThatThrownBy(() -> Options.parse("--url", "ws://127.0.0.1:7701", "--rest-url", "http://10.1.2.3:7700",
                "--admin-key", "k")).hasMessageStartingWith("--rest-url: refusing target host '10.1.2.3'");
        assertThatThrownBy(() -> Options.parse("--url", "ws://127.0.0.1:7701", "--rest-url", "ws://127.0.0.1:7700",
                "--admin-key", "k")).hasMessageStartingWith("--rest-url: an http:// or https:// URL");
    }

    @Test
    void parsesEveryOptionAndDerivesUrls() {
        Options o = Options.parse("--url", "ws://127.0.0.1:7700", "--admin-key", "secret", "--project", "p1",
                "--agents", "20", "--workers", "2", "--mode", "ramp", "--shape", "batched", "--rate", "100",
                "--batch-size", "50", "--window", "8", "--duration", "2m", "--ramp-to", "500", "--ramp-step", "100",
                "--ramp-interval", "5s", "--drain", "500ms", "--source-addresses", "127.0.0.2,127.0.0.3",
                "--report", "/tmp/r.json");
        assertThat(o.wsUrl()).hasToString("ws://127.0.0.1:7700/ws/agent");
        assertThat(o.restBase()).hasToString("http://127.0.0.1:7700");
        assertThat(o.connections()).isEqualTo(40);
        assertThat(o.mode()).isEqualTo(Mode.RAMP);
        assertThat(o.shape()).isEqualTo(Shape.BATCHED);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.rampInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.drain()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.sourceAddresses()).extracting(a -> a.getHostAddress()).containsExactly("127.0.0.2", "127.0.0.3");
        assertThat(o.raw()).containsEntry("--admin-key", "<redacted>").containsEntry("--agents", "20");
    }

    @Test
    void keepsAPathPrefixAndAnExplicitWsAgentPath() {
        assertThat(Options.parse("--url", "ws://localhost:7700/z4j/", "--admin-key", "k").wsUrl())
                .hasToString("ws://localhost:7700/z4j/ws/agent");
        assertThat(Options.parse("--url", "ws://[::1]:7700/ws/agent", "--admin-key", "k").restBase())
                .hasToString("http://[::1]:7700");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://10.0.0.5:7700", "ws://example.com:7700", "ws://128.0.0.1:7700",
        "ws://0.0.0.0:7700", "ws://[2001:db8::1]:7700", "ws://127.0.0.300:7700", "ws://localhost.evil.com:7700",
        "ws://127.0.0.1.nip.io:7700"})
    void refusesNonLoopbackTargets(String url) {
        assertThatThrownBy(() -> Options.parse("--url", url, "--admin-key", "k"))
                .isInstanceOf(OptionsException.class)
                .hasMessageStartingWith("--url:")
                .hasMessageContaining("only loopback targets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://127.0.0.1:7700", "ws://127.255.3.4:1", "ws://localhost:7700", "ws://[::1]:7700"})
    void acceptsLoopbackTargets(String url) {
        assertThat(Options.parse("--url", url, "--admin-key", "k").wsUrl().getHost()).isNotNull();
    }

    @Test
    void refusesNonLoopbackSourceAddresses() {
        assertThatThrownBy(() -> parse("--source-addresses", "127.0.0.2,192.168.1.4"))
                .hasMessageStartingWith("--source-addresses:").hasMessageContaining("192.168.1.4");
    }

    @Test
    void namesTheOffendingOption() {
        assertThatThrownBy(() -> Options.parse("--admin-key", "k")).hasMessage("--url: required");
        assertThatThrownBy(() -> parse("--mode", "hurricane")).hasMessageStartingWith("--mode:");
        assertThat(parse("--mode", "storm").mode()).isEqualTo(Mode.STORM);
        assertThatThrownBy(() -> parse("--mode", "storm", "--rate", "5")).hasMessageStartingWith("--rate:");
        assertThatThrownBy(() -> parse("--shape", "x")).hasMessageStartingWith("--shape:");
        assertThatThrownBy(() -> parse("--workers", "65")).hasMessageStartingWith("--workers: 65 is outside 1..64");
        assertThatThrownBy(() -> parse("--agents", "0")).hasMessageStartingWith("--agents:");
        assertThatThrownBy(() -> parse("--agents", "ten")).hasMessage("--agents: 'ten' is not an integer");
        assertThatThrownBy(() -> parse("--batch-size", "5000")).hasMessageStartingWith("--batch-size:");
        assertThatThrownBy(() -> parse("--duration", "soon")).hasMessageStartingWith("--duration:");
        assertThatThrownBy(() -> parse("--duration", "0s")).hasMessageStartingWith("--duration:");
        assertThatThrownBy(() -> parse("--rate", "0")).hasMessageStartingWith("--rate:");
        assertThatThrownBy(() -> parse("--mode", "idle", "--rate", "5")).hasMessageStartingWith("--rate:");
        assertThatThrownBy(() -> parse("--mode", "ramp", "--rate", "100", "--ramp-to", "50", "--ramp-step", "10"))
                .hasMessageStartingWith("--ramp-to:");
        assertThatThrownBy(() -> parse("--mode", "ramp", "--ramp-to", "500")).hasMessageStartingWith("--ramp-to/--ramp-step:");
        assertThatThrownBy(() -> parse("--ramp-to", "500", "--ramp-step", "5")).hasMessageContaining("only valid with --mode ramp");
        assertThatThrownBy(() -> parse("--bogus", "1")).hasMessage("--bogus: unknown option");
        assertThatThrownBy(() -> parse("--agents")).hasMessage("--agents: missing value");
        assertThatThrownBy(() -> parse("--agents", "1", "--agents", "2")).hasMessage("--agents: given twice");
        assertThatThrownBy(() -> Options.parse("--url", "http://127.0.0.1:7700", "--admin-key", "k"))
                .hasMessageStartingWith("--url: scheme");
        assertThatThrownBy(() -> Options.parse("--url", "ws://127.0.0.1:7700"))
                .hasMessageStartingWith("--admin-key:");
    }

    @Test
    void asyncioAgentShapeTakesAFrameCostInMicrosecondsAndOnlyThatShapeDoes() {
        Options o = parse("--shape", "asyncio-agent", "--frame-cost", "250us");
        assertThat(o.shape()).isEqualTo(Shape.ASYNCIO_AGENT);
        assertThat(o.frameCost()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(parse("--shape", "ASYNCIO-AGENT").frameCost()).isEqualTo(AsyncioAgents.DEFAULT_FRAME_COST);
        assertThat(parse("--shape", "asyncio-agent", "--frame-cost", "0us").frameCost()).isZero();
        assertThatThrownBy(() -> parse("--frame-cost", "400us")).hasMessage(
                "--frame-cost: only valid with --shape asyncio-agent");
        assertThatThrownBy(() -> parse("--shape", "asyncio-agent", "--frame-cost", "2s"))
                .hasMessageStartingWith("--frame-cost: 2s is over 1000ms");
        assertThatThrownBy(() -> parse("--shape", "asyncio-agent", "--frame-cost", "fast"))
                .hasMessageStartingWith("--frame-cost: 'fast' is not a duration");
        assertThatThrownBy(() -> parse("--shape", "asyncio-agent", "--source-addresses", "127.0.0.2"))
                .hasMessageStartingWith("--source-addresses:");
        assertThatThrownBy(() -> parse("--duration", "99999999999999999999s")).hasMessage(
                "--duration: '99999999999999999999s' is too large");
    }

    @Test
    void idleAndEchoDefaultToNoEvents() {
        assertThat(parse("--mode", "idle").rate()).isZero();
        assertThat(parse("--mode", "echo").rate()).isZero();
        assertThat(parse().rate()).isEqualTo(100);
    }
}
