package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPhaseTest {
    @Test
    void optionsDefaultToWritersOneAndTwoTwiceAndNameTheBadOne() {
        LatencyPhase.Options d = LatencyPhase.Options.parse(new String[] {"--only", "latency"});
        assertThat(d.writers()).containsExactly(1, 2);
        assertThat(d.rounds()).isEqualTo(2);
        assertThat(d.ingestRate()).isEqualTo(4500);
        // ABBA: the later pairs of a round meet a larger database, so the order turns every round
        assertThat(LatencyPhase.order(d.writers(), 1)).containsExactly(1, 2);
        assertThat(LatencyPhase.order(d.writers(), 2)).containsExactly(2, 1);
        assertThat(LatencyPhase.order(d.writers(), 3)).containsExactly(1, 2);

        LatencyPhase.Options o = LatencyPhase.Options.parse(
                new String[] {"--only", "latency", "--writers", "2,4", "--rounds", "3", "--ingest-rate", "9000"});
        assertThat(o.writers()).containsExactly(2, 4);
        assertThat(o.rounds()).isEqualTo(3);
        assertThat(o.ingestRate()).isEqualTo(9000);

        assertThatThrownBy(() -> LatencyPhase.Options.parse(new String[] {"--writers", "1,9"}))
                .hasMessageContaining("--writers").hasMessageContaining("9");
        assertThatThrownBy(() -> LatencyPhase.Options.parse(new String[] {"--rounds", "0"}))
                .hasMessageContaining("--rounds");
        assertThatThrownBy(() -> LatencyPhase.Options.parse(new String[] {"--ingest-rate", "10"}))
                .hasMessageContaining("--ingest-rate");
    }

    @Test
    void eachPairIsARowInItsOwnSectionWhichAFullRunKeeps(@TempDir Path dir) throws Exception {
        LoadGen.Result bg = new LoadGen.Result("bg", 4500, 0, 45, 202_500, 201_000, 0, 80, 640.5, "");
        List<LatencyPhase.Probe> probes = List.of(
                new LatencyPhase.Probe(1, 1, new ReplicaLatency.Result(
                        Latencies.of(List.of(10.0, 12.0, 40.0), 0), Latencies.of(List.of(4.0, 5.0, 9.0), 0),
                        Latencies.of(List.of(60.0, 70.0), 1), bg), "1.50"),
                new LatencyPhase.Probe(2, 1, new ReplicaLatency.Result(
                        Latencies.of(List.of(20.0, 30.0, 90.0), 0), Latencies.of(List.of(6.0, 7.0, 8.0), 0),
                        Latencies.of(List.of(80.0, 300.0), 0), bg), "2.10"));
        String section = LatencyPhase.markdown(probes, new LatencyPhase.Options(4500, List.of(1, 2), 1),
                "bench/capacity.sh --only latency", Instant.parse("2026-12-03T18:00:00Z"), Duration.ofSeconds(170));

        assertThat(section).contains("background ingest into B at 4500 ev/s")
                .contains("| 1 | 1 | 12.0 / 40.0 / 40.0 | 5.0 / 9.0 / 9.0 | 60.0 / 70.0 / 70.0 (1 lost) | 4467 | 640.5 | 1.50 |")
                .contains("| 2 | 1 | 30.0 / 90.0 / 90.0 | 7.0 / 8.0 / 8.0 | 80.0 / 300.0 / 300.0 | 4467 | 640.5 | 2.10 |");

        Path report = dir.resolve("CAPACITY.md");
        Files.writeString(report, "# Capacity\n\nfigures\n");
        SocketPhases.write(report, section, LatencyPhase.BEGIN, LatencyPhase.END);
        assertThat(LatencyPhase.section(report)).isEqualTo(section);
    }
}
