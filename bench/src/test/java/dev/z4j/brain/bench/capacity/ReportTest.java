package dev.z4j.brain.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
    /** Issue 12's run: every step acked everything at the rate, ack p99 1,041 ms against the 1 s bar. */
    private static LoadGen.Result justMissed(double rate) {
        return new LoadGen.Result("x", rate, 0, 15, (long) (rate * 15), (long) (rate * 15), 0, 12, 1041, "");
    }

    private static AsyncioStep asyncio(double offered, double p99, boolean acked) {
        long emitted = Math.round(offered * 30);
        return new AsyncioStep("t", offered, 4, acked ? 0 : 1, 30, 5, emitted, acked ? emitted : 0, acked ? 0 : emitted,
                0, 20 * emitted, 50_000_000, 3000, p99, 0, 900, 40, 110, new SocketSample(4, 4_194_304, 65483), "");
    }

    @Test
    void aLadderThatFoundNothingIsAToolFailureNeverAFigureOfZero() throws Exception {
        Ladder.Result<LoadGen.Result> none = Ladder.search(Capacity.BATCHED.plan(), (rate, kind, i) -> justMissed(rate));
        EndToEnd.Search s = new EndToEnd.Search(Capacity.BATCHED, none);

        assertThat(s.found()).isFalse();
        assertThat(s.figure()).startsWith("none found").contains("down to 250 ev/s").contains("tool failure");
        assertThat(Report.ratio(s, Spread.of(List.of(36694.0)))).startsWith("n/a");
    }

    @Test
    void theRatioCarriesTheRangeOverTheRawRepetitions() throws Exception {
        Ladder.Result<LoadGen.Result> found = Ladder.search(Capacity.BATCHED.plan(),
                (rate, kind, i) -> new LoadGen.Result("x", rate, 0, 15, (long) (rate * 15), (long) (rate * 15), 0, 12,
                        rate <= 20000 ? 300 : 3000, ""));
        EndToEnd.Search s = new EndToEnd.Search(Capacity.BATCHED, found);

        // 20000 acked per second against 40000 / 50000 / 60000 rows/s
        String ratio = Report.ratio(s, Spread.of(List.of(40000.0, 50000.0, 60000.0)));

        assertThat(s.sustained()).isLessThanOrEqualTo(20000);
        assertThat(ratio).matches("0\\.\\d\\d \\(0\\.\\d\\d-0\\.\\d\\d\\)");
    }

    @Test
    void theLatencyBarIsReportedAsNotReachedWithTheLowestRateTried() throws Exception {
        Ladder.Result<AsyncioStep> ladder = Ladder.search(AsyncioCapacity.plan(4),
                (rate, kind, i) -> asyncio(rate, 6000, rate <= 400));
        AsyncioCapacity.Search s = new AsyncioCapacity.Search(AsyncioCapacity.LOOPBACK, 4, ladder, asyncio(20, 2900, true));

        assertThat(Report.asyncioFigure(s)).startsWith(Report.f0(ladder.best().rate()) + " ev/s offered")
                .contains("p99 6000 ms");
        assertThat(s.latencyBarBest()).isEmpty();
        assertThat(Report.latencyBarFigure(s)).isEqualTo("not reached at any rate tried, down to 20 ev/s (ack p99 there 2900 ms)");
        assertThat(Report.latencyBarReason(s)).contains("4.19 MB here, mss 65483").contains("500-row pass")
                .endsWith("even at a trickle of 20 ev/s ack p99 was 2900 ms");
    }

    @Test
    void theLatencyBarFigureIsTheHighestStepThatMetIt() throws Exception {
        Ladder.Result<AsyncioStep> ladder = Ladder.search(AsyncioCapacity.plan(1),
                (rate, kind, i) -> asyncio(rate, rate <= 170 ? 800 : 1500, rate <= 300));
        AsyncioCapacity.Search s = new AsyncioCapacity.Search(AsyncioCapacity.MTU1500, 1, ladder, asyncio(5, 700, true));

        // 100 and 160 meet the bar, 256 and the bisected 294 pass only without it, 410 and 333 fail
        assertThat(ladder.best().rate()).isBetween(256.0, 300.0);
        assertThat(s.latencyBarBest()).get().extracting(AsyncioStep::offered).isEqualTo(160.0);
        assertThat(Report.latencyBarFigure(s)).startsWith("160 ev/s offered");
    }

    @Test
    void theWholeReportNamesAFailedSearchAndTheUnmetBarAndNeverPrintsZero() throws Exception {
        Ladder.Result<LoadGen.Result> none = Ladder.search(Capacity.BATCHED.plan(), (rate, kind, i) -> justMissed(rate));
        Ladder.Result<LoadGen.Result> agentFound = Ladder.search(Capacity.AGENT.plan(),
                (rate, kind, i) -> new LoadGen.Result("x", rate, 0, 15, (long) (rate * 15), (long) (rate * 15), 0, 12,
                        rate <= 3000 ? 300 : 3000, ""));
        Ladder.Result<AsyncioStep> lo = Ladder.search(AsyncioCapacity.plan(4), (rate, kind, i) -> asyncio(rate, 6000, rate <= 500));
        AsyncioCapacity.Run asyncio = new AsyncioCapacity.Run(
                List.of(new AsyncioCapacity.Search(AsyncioCapacity.LOOPBACK, 4, lo, asyncio(20, 7000, true))), List.of(),
                "skipped: not running as root (network namespaces and veth pairs need it)",
                new AsyncioCapacity.Baseline(asyncio(100, 9000, false), 2000), "net.ipv4.tcp_wmem = 4096 16384 4194304");
        Results r = new Results(java.time.Instant.parse("2026-11-30T12:00:00Z"), java.time.Duration.ofMinutes(40),
                "bench/capacity.sh", new Machine(2, "AMD EPYC", 24_684_084, "3.50 3.72 3.47 6/317 23331"), "Temurin 25",
                "PostgreSQL 17.6", "fsync=off", List.of("-Xmx1g"), 270,
                List.of(new RawCeiling.Result("plain COPY into events", 366940, 10, 183),
                        new RawCeiling.Result("plain COPY into events", 598580, 10, 299),
                        new RawCeiling.Result("plain COPY into events", 550000, 10, 275)),
                new RawCeiling.Result("EventStore.write", 329110, 10, 165),
                new RawCeiling.Result("staging + merge only", 453950, 10, 227),
                new EndToEnd.Search(Capacity.BATCHED, none), new EndToEnd.Search(Capacity.AGENT, agentFound),
                new ReplicaLatency.Result(Latencies.of(List.of(10.0, 20.0), 0), Latencies.of(List.of(4.0, 6.0), 0),
                        Latencies.of(List.of(30.0), 0), justMissed(500)),
                asyncio, List.of("raw 1.0"));

        String md = Report.markdown(r);

        assertThat(r.failedSearches()).containsExactly("end to end, batched");
        assertThat(md).contains("**Tool failure**: no step passed, down to each ladder's floor, in end to end, batched")
                .contains("| end to end, batched shape (ack p99 < 1 s) | none found: every step failed down to 250 ev/s")
                .contains("n/a (no passing step)")
                .contains("55000 rows/s (median of 3; 36694-59858, spread 42%)")
                .contains("**Met: NO**: an agent reads its acks only when a write blocks")
                .contains("Not measured: skipped: not running as root")
                .contains("**stored 2000** (67%")
                .containsPattern("CPU check \\(HMAC-SHA256 of 1 KiB on one thread, `Machine.hmacsPerSecond`\\): "
                        + "[0-9,]+/s at the start, [0-9,]+/s at the end")
                .doesNotContain("| 0 ev/s")
                .doesNotContain("ratio 0.00");
    }
}
