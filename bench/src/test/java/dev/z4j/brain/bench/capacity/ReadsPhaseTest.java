package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadsPhaseTest {

    @Test
    void optionsDefaultToTheIssuesSizeAndRejectWhatCannotBeSeeded() {
        ReadsPhase.Options o = ReadsPhase.Options.parse(new String[] {"--only", "reads"});
        assertThat(o.shape()).isEqualTo(new ReadsSeed.Shape(5_000_000, 4, 30));
        assertThat(o.readers()).isEqualTo(8);
        assertThat(ReadsPhase.Options.parse(new String[] {"--tasks", "300000", "--events", "1200000",
                "--ingest-rate", "0"}).ingestRate()).isZero();
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--tasks", "300", "--events", "1000"}))
                .hasMessageContaining("--events: a multiple of --tasks (300)");
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--readers", "x"}))
                .hasMessageContaining("--readers: a whole number");
        assertThatThrownBy(() -> ReadsPhase.Options.parse(new String[] {"--tasks", "10"}).shape())
                .hasMessageContaining("--tasks: at least one task a day (30), was 10");
    }

    @Test
    void theSectionIsReplacedBetweenItsMarkersAndReadBackForAFullRunToKeep(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("CAPACITY.md");
        Files.writeString(report, "# Capacity\n\nfigures\n");
        assertThat(ReadsPhase.section(report)).isNull();
        SocketPhases.write(report, "## Reads\n\nfirst\n", ReadsPhase.BEGIN, ReadsPhase.END);
        SocketPhases.write(report, "## Reads\n\nsecond\n", ReadsPhase.BEGIN, ReadsPhase.END);
        String text = Files.readString(report);
        assertThat(text).startsWith("# Capacity\n\nfigures\n").contains("second").doesNotContain("first");
        assertThat(ReadsPhase.section(report)).isEqualTo("## Reads\n\nsecond\n");
        // what Capacity does on a full run: overwrite the report, then put the kept section back
        String kept = ReadsPhase.section(report);
        Files.writeString(report, "# Capacity\n\nnew figures\n");
        SocketPhases.write(report, kept, ReadsPhase.BEGIN, ReadsPhase.END);
        assertThat(ReadsPhase.section(report)).isEqualTo("## Reads\n\nsecond\n");
    }
}
