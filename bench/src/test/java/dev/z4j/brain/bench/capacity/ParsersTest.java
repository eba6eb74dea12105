package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParsersTest {
    @Test
    void socketSampleTakesTheLargestSendBufferAndTheSegmentSize() {
        String ss = """
                Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
                43392  553405 [::ffff:127.0.0.1]:51998 [::ffff:127.0.0.1]:7932
                \t skmem:(r50880,rb1710478,t0,tb1658880,f963,w562557,o0,bl0,d0) bbr wscale:10,10 rto:220 mss:1448 pmtu:1500 rcvmss:1448 advmss:1448 cwnd:105
                0      4100000 [::ffff:127.0.0.1]:51999 [::ffff:127.0.0.1]:7932
                \t skmem:(r0,rb131072,t0,tb4194304,f0,w0,o0,bl0,d1) bbr rto:208 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:14
                """;

        SocketSample s = SocketSample.parse(ss);

        assertThat(s.sockets()).isEqualTo(2);
        assertThat(s.sendBufferBytes()).isEqualTo(4_194_304);
        assertThat(s.mss()).isEqualTo(1448);
        assertThat(SocketSample.parse("Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n").sampled()).isFalse();
    }

    @Test
    void brainMetricsSumLabelledSeriesAndSubtract() {
        BrainMetrics before = BrainMetrics.parse("""
                # HELP z4j_agent_read_holds_total
                # TYPE z4j_agent_read_holds_total counter
                z4j_agent_read_holds_total 13.0
                z4j_batches_resent_total{outcome="committed"} 58518.0
                z4j_batches_resent_total{outcome="in_flight"} 14634.0
                """);
        BrainMetrics after = BrainMetrics.parse("""
                z4j_agent_read_holds_total 20.0
                z4j_agent_read_held_seconds_total 17.5
                z4j_batches_resent_total{outcome="committed"} 60000.0
                z4j_batches_resent_total{outcome="in_flight"} 15000.0
                """);

        assertThat(before.value("z4j_batches_resent_total")).isEqualTo(73152.0);
        assertThat(after.since(before, "z4j_agent_read_holds_total")).isEqualTo(7.0);
        assertThat(after.since(before, "z4j_agent_read_held_seconds_total")).isEqualTo(17.5);
        assertThat(after.value("z4j_not_there")).isZero();
    }

    @Test
    void spreadOfRepetitions() {
        Spread odd = Spread.of(List.of(36694.0, 59858.0, 55000.0));
        assertThat(odd.median()).isEqualTo(55000.0);
        assertThat(odd.min()).isEqualTo(36694.0);
        assertThat(odd.max()).isEqualTo(59858.0);
        assertThat(odd.relative()).isCloseTo((59858.0 - 36694.0) / 55000.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Spread.of(List.of(10.0, 20.0)).median()).isEqualTo(15.0);
    }

    @Test
    void kernelTcpSettingsAreReadWhole() {
        // /proc/sys files answer a single read with one byte; the report once said "tcp_wmem = 4"
        assertThat(AsyncioCapacity.kernelTcp())
                .matches("net\\.ipv4\\.tcp_wmem = \\d+ \\d+ \\d+, net\\.ipv4\\.tcp_rmem = \\d+ \\d+ \\d+, "
                        + "net\\.ipv4\\.tcp_congestion_control = \\w+");
    }
}
