package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BacklogTest {
    private static String line(int t, long buffered, boolean draining) {
        return "t=" + t + "s conn=1/1 sent=0 ev/s acked=38 ev/s unacked=462 ack p50=2918ms p99=2918ms errors=0"
                + " | agents: emitted=2804 confirmed=2038 buffered=" + buffered + " frames=1575/s copies=43949"
                + " acks-read=4253 suspended=5" + (draining ? " (draining)" : "");
    }

    @Test
    void readsTheLoadgenProgressLinesAndLeavesOutTheDrain() {
        String log = String.join("\n", "z4j-loadgen run b19fa5: 1 agents x 1 workers", line(1, 99, false),
                line(2, 199, false), "load stopped; draining up to 30s for 529 un-acked events", line(3, 150, true),
                "==== summary: run b19fa5 (steady, shape asyncio-agent) ====");

        Backlog b = Backlog.parse(log);

        assertThat(b.samples()).containsExactly(new Backlog.Sample(1, 99), new Backlog.Sample(2, 199));
        assertThat(b.peak()).isEqualTo(199);
    }

    @Test
    void aSawtoothThatKeepsUpHasNoTrendAGrowingOneHas() {
        // the brake's cycle: +100 rows/s for 4 s, then one block confirms 400
        String flat = IntStream.rangeClosed(1, 40).mapToObj(t -> line(t, 300 + 100L * (t % 4), false))
                .collect(Collectors.joining("\n"));
        String growing = IntStream.rangeClosed(1, 40).mapToObj(t -> line(t, 300 + 100L * (t % 4) + 25L * t, false))
                .collect(Collectors.joining("\n"));

        assertThat(Backlog.parse(flat).growthPerSecond(8)).isCloseTo(0, within(3.0));
        assertThat(Backlog.parse(growing).growthPerSecond(8)).isCloseTo(25, within(3.0));
    }

    @Test
    void tooFewSamplesForATrendIsNotANumber() {
        String log = IntStream.rangeClosed(1, 11).mapToObj(t -> line(t, 10L * t, false)).collect(Collectors.joining("\n"));
        assertThat(Backlog.parse(log).growthPerSecond(8)).isNaN(); // t = 8..11: 4 samples
        assertThat(Backlog.parse(log).growthPerSecond(7)).isCloseTo(10, within(1e-9));
    }
}
