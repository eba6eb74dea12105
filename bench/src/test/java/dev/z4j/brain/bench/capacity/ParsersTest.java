package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(after.since(before, "z4j_batches_resent_total{outcome=committed}")).isEqualTo(1482.0);
    }

    @Test
    void brainMetricsSumEachLabelValueAcrossTheOtherLabels() {
        BrainMetrics m = BrainMetrics.parse("""
                z4j_read_replica_reads_total{target="standby"} 120.0
                z4j_read_replica_reads_total{target="primary"} 7.0
                z4j_api_refusals_total{error="unavailable",status="503"} 3.0
                z4j_api_refusals_total{error="not_found",status="404"} 2.0
                z4j_api_refusals_total{error="unavailable",status="504"} 1.0
                """);

        assertThat(m.value("z4j_read_replica_reads_total{target=standby}")).isEqualTo(120.0);
        assertThat(m.value("z4j_read_replica_reads_total")).isEqualTo(127.0);
        assertThat(m.value("z4j_api_refusals_total{error=unavailable}")).isEqualTo(4.0);
        assertThat(m.value("z4j_api_refusals_total{status=404}")).isEqualTo(2.0);
    }

    @Test
    void procStatFieldsStartAfterTheLastParenthesisOfTheCommandName() {
        String stat = "4242 (postgres: wal (sender) ) S 4200 4200 4200 0 -1 4194560 10 0 0 0 317 52 9 4 20 0 1 0";

        String[] f = ServerCpu.fields(stat);

        assertThat(f[0]).isEqualTo("S");   // field 3, state
        assertThat(f[1]).isEqualTo("4200"); // field 4, parent pid
        assertThat(List.of(f[11], f[12], f[13], f[14])).containsExactly("317", "52", "9", "4"); // utime stime cutime cstime
    }

    @Test
    void serverCpuCountsTheCpuOfTheProcessThatPostmasterPidNames(@TempDir Path dataDir) throws Exception {
        // This JVM stands in for a postmaster: its own CPU time must show, and grow with work done.
        Files.writeString(dataDir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dataDir + "\n");
        double before = ServerCpu.seconds(dataDir);
        long threadCpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long x = 0;
        while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpu0 < 300_000_000L) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime()); // 0.3 s of this thread's CPU
        }
        double after = ServerCpu.seconds(dataDir);

        assertThat(before).isPositive();
        assertThat(after - before).as("CPU seconds after 0.3 s of work (x=%d)", x).isGreaterThanOrEqualTo(0.2);
        Files.writeString(dataDir.resolve("postmaster.pid"), "999999999\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerCpu.seconds(dataDir))
                .hasMessageContaining("is not running");
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
