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
}
