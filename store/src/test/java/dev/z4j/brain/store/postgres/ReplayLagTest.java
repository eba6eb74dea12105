package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayLagTest {
    private static final long MS = 1_000_000;

    @Test
    void anIdlePrimaryThatTheStandbyReplayedIsNoLagHoweverLongAgoItWrote() {
        ReplayLag lag = new ReplayLag();
        assertThat(lag.observe(1_000, 0, 1_000, 0)).isZero();
        // An hour later, nothing new written: the last replayed commit is an hour old, the lag is 0.
        assertThat(lag.observe(1_000, 3_600_000 * MS, 1_000, 3_600_000 * MS)).isZero();
    }

    @Test
    void theLagIsTheAgeOfTheOldestPositionNotReplayedYet() {
        ReplayLag lag = new ReplayLag();
        assertThat(lag.observe(1_000, 0, 1_000, 0)).isZero();
        assertThat(lag.observe(2_000, 100 * MS, 1_000, 110 * MS)).isEqualTo(10 * MS);
        assertThat(lag.observe(3_000, 200 * MS, 1_000, 210 * MS)).isEqualTo(110 * MS); // still 2000 pending
        assertThat(lag.observe(3_000, 300 * MS, 2_500, 310 * MS)).isEqualTo(110 * MS); // 2000 done, 3000 seen at 200
        assertThat(lag.observe(3_000, 400 * MS, 3_000, 410 * MS)).isZero();
    }

    @Test
    void aFullMemoryOverstatesTheLagRatherThanUnderstatingIt() {
        ReplayLag lag = new ReplayLag();
        for (int i = 1; i <= ReplayLag.MAX_POSITIONS + 10; i++) {
            lag.observe(i * 100L, i * MS, 0, i * MS);
        }
        long newest = (ReplayLag.MAX_POSITIONS + 10) * 100L;
        // Everything but the newest position replayed: its age is counted from an earlier check.
        long lagged = lag.observe(newest, 99_999 * MS, newest - 1, 100_000 * MS);
        assertThat(lagged).isGreaterThanOrEqualTo((100_000 - ReplayLag.MAX_POSITIONS - 10) * MS);
    }

    @Test
    void anInsertPositionJustPastAPageHeaderIsThePageBoundary() {
        assertThat(ReplayLag.recordEnd(8192 * 5 + 24, 8192)).isEqualTo(8192 * 5);
        assertThat(ReplayLag.recordEnd(16L * 1024 * 1024 + 40, 8192)).isEqualTo(16L * 1024 * 1024);
        assertThat(ReplayLag.recordEnd(8192 * 5 + 64, 8192)).isEqualTo(8192 * 5 + 64);
    }

    @Test
    void aStandbyFirstSeenBehindHasNoKnownLagUntilItReplaysWhatThePrimaryHadThen() {
        ReplayLag lag = new ReplayLag();
        // Back after an outage (or at start), 500 bytes behind: maybe an hour old, maybe not.
        assertThat(lag.observe(1_500, 0, 1_000, 0)).isEqualTo(ReplayLag.UNKNOWN);
        assertThat(lag.observe(2_000, 100 * MS, 1_400, 100 * MS)).isEqualTo(ReplayLag.UNKNOWN);
        // It replayed the first position: from here on the lag is measured.
        assertThat(lag.observe(2_000, 200 * MS, 1_500, 210 * MS)).isEqualTo(110 * MS);
        lag.reset();
        assertThat(lag.observe(3_000, 300 * MS, 2_000, 300 * MS)).isEqualTo(ReplayLag.UNKNOWN);
        assertThat(lag.observe(3_000, 400 * MS, 3_000, 400 * MS)).isZero();
    }
}
