package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The brake's decisions on a timeline of copies and send times (nanoseconds; send times in µs). */
class ResendBrakeTest {
    private static final long MS = 1_000_000L;
    private static final long NOT_ACKED = BatchTracker.NOT_ACKED;

    private final ResendBrake brake = new ResendBrake();

    @Test
    void anAgentThatReadsItsAcksIsNeverHeld() {
        long ack = 1_000 * MS;
        // Copies while the batch is in flight, and up to the grace after its ack: a reader does that.
        assertThat(brake.onCopy(900 * MS, NOT_ACKED, 990 * MS)).isZero();
        assertThat(brake.onCopy(900 * MS, ack, ack + 10 * MS)).isZero();
        assertThat(brake.onCopy(900 * MS, ack, ack + ResendBrake.ACK_GRACE - 1)).isZero();
    }

    @Test
    void aCopyOfABatchAckedLongAgoStopsTheReading() {
        long ack = 1_000 * MS;
        assertThat(brake.onCopy(900 * MS, ack, ack + ResendBrake.ACK_GRACE)).isEqualTo(ResendBrake.FIRST_HOLD);
    }

    @Test
    void aHoldAfterWhichTheAgentNeverPausedIsDoubled() {
        long t = holdOnce(0);
        // After the hold the agent's send times run on without a pause: its write never blocked.
        long sent = 5_000_000;
        for (long now = t; now <= t + ResendBrake.JUDGE_FOR + 10 * MS; now += MS) {
            assertThat(brake.wantsSendTimes()).isTrue();
            brake.onMessage(sent, now);
            sent += 500; // a frame every 0.5 ms, as a Python agent writes
            if (!brake.wantsSendTimes()) {
                break;
            }
        }
        assertThat(brake.wantsSendTimes()).isFalse();
        assertThat(brake.nextHold()).isEqualTo(2 * ResendBrake.FIRST_HOLD);
    }

    @Test
    void aHoldTheAgentSatOutBlockedIsShortenedToWhatItNeededPlusAMargin() {
        long t = holdOnce(0);
        long blockedMicros = 600_000; // it blocked 400 ms into the 1 s hold, then wrote nothing for 600 ms
        brake.onMessage(10_000_000, t);
        brake.onMessage(10_000_500, t + MS);
        brake.onMessage(10_000_500 + blockedMicros, t + 2 * MS);
        assertThat(brake.wantsSendTimes()).isFalse();
        long needed = ResendBrake.FIRST_HOLD - blockedMicros * 1000;
        assertThat(brake.nextHold()).isEqualTo(needed + needed / 4 + 100 * MS);
    }

    @Test
    void noNewHoldWhileTheLastOneIsBeingJudged() {
        long t = holdOnce(0);
        assertThat(brake.onCopy(0, 0, t + MS)).as("the backlog of the hold is read first").isZero();
    }

    @Test
    void theHoldNeverGrowsBeyondItsCap() {
        long now = 0;
        for (int i = 0; i < 20; i++) {
            long t = holdOnce(now);
            brake.onMessage(1, t + ResendBrake.JUDGE_FOR + 1); // no pause seen within the judging time
            now = t + ResendBrake.JUDGE_FOR + 2;
        }
        assertThat(brake.nextHold()).isEqualTo(ResendBrake.MAX_HOLD);
    }

    /** Triggers a hold at {@code now}; returns when it ends. */
    private long holdOnce(long now) {
        long hold = brake.onCopy(now, now, now + ResendBrake.ACK_GRACE);
        assertThat(hold).isPositive();
        return now + ResendBrake.ACK_GRACE + hold;
    }
}
