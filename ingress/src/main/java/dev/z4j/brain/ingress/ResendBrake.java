package dev.z4j.brain.ingress;

/**
 * Makes a real z4j agent read its acks by not reading its socket for a while (docs/PROTOCOL.md 8.1).
 *
 * <p>A z4j-bare agent runs one asyncio loop: its send loop re-sends every un-acked batch, pass after
 * pass, and gives the loop to its receive coroutine only when a write blocks. A brain that reads
 * everything at once never lets a write block, so the agent never reads an ack and re-sends its
 * oldest 500 batches forever. The only lever a server has is TCP backpressure: stop reading, the
 * agent's kernel send buffer fills, its write blocks, it reads and confirms every ack queued so
 * far, and its next passes carry new batches.
 *
 * <p>Who needs it shows itself: a copy of a batch whose ack left more than {@link #ACK_GRACE} ago.
 * An agent that reads its acks stops re-sending a batch within a round trip of the ack, so it is
 * never held. How long a hold must last is the agent's send buffer over its write rate (Linux
 * grows that buffer up to 4 MB; at a Python agent's 1-2 MB/s that is seconds on loopback, less
 * over a real network), so it is measured, not guessed: the frames read after a hold carry the
 * agent's own send times ({@code ts}), and a blocked agent writes nothing, so the largest gap
 * between consecutive send times is how long it sat blocked. No gap: the hold was too short
 * (doubled). A gap: the next hold is what the agent needed plus a margin.
 *
 * <p>After a hold it blocked in, the agent finishes the pass it was in (rows it has just
 * confirmed), then sends what is new; the next hold waits for a copy of one of those new batches.
 *
 * <p>One instance per connection, called only by its reader thread. Times are System.nanoTime,
 * send times the agent's microseconds (only differences of them are used, so clock skew does not
 * matter).
 */
final class ResendBrake {
    /** A reading agent stops copying a batch this soon after its ack was sent. */
    static final long ACK_GRACE = 250_000_000L;
    static final long FIRST_HOLD = 1_000_000_000L;
    static final long MIN_HOLD = 250_000_000L;
    static final long MAX_HOLD = 16_000_000_000L;
    /** A pause this long between two consecutive send times means the agent's write blocked. */
    static final long BLOCKED_GAP_MICROS = 80_000;
    /** After a hold, this long to find the gap; the backlog of the hold is read well within it. */
    static final long JUDGE_FOR = 300_000_000L;
    /**
     * After a hold the agent blocked in, copies of batches it had before are the rest of the pass
     * it was in (at most 500 frames, well under a second): rows it confirmed meanwhile.
     */
    static final long REST_OF_PASS = 1_000_000_000L;

    private enum Verdict { NONE, BLOCKED, NEVER_BLOCKED }

    private long hold = FIRST_HOLD;
    private Verdict verdict = Verdict.NONE;
    private boolean judging;
    private long holdEnd;
    private long lastSentMicros = Long.MIN_VALUE;
    private long widestGapMicros;
    private String lastVerdict = "first hold";

    /** True while the frames read carry the verdict on the last hold (see {@link #onMessage}). */
    boolean wantsSendTimes() {
        return judging;
    }

    /**
     * Every message read from the socket, with the agent's send time ({@code ts}) in microseconds,
     * or {@link Long#MIN_VALUE} when it has none.
     */
    void onMessage(long sentMicros, long now) {
        if (!judging) {
            return;
        }
        if (sentMicros != Long.MIN_VALUE) {
            if (lastSentMicros != Long.MIN_VALUE) {
                widestGapMicros = Math.max(widestGapMicros, sentMicros - lastSentMicros);
            }
            lastSentMicros = sentMicros;
        }
        if (widestGapMicros >= BLOCKED_GAP_MICROS) {
            long gap = widestGapMicros * 1000;
            lastVerdict = "blocked for " + gap / 1_000_000 + " ms of a " + hold / 1_000_000 + " ms hold";
            if (gap < hold) {
                // It sat blocked for the gap: it needed the hold minus that, plus a margin for jitter.
                // (A gap longer than the hold began before it and says nothing about what it needs.)
                long needed = hold - gap;
                hold = Math.clamp(needed + needed / 4 + 100_000_000L, MIN_HOLD, MAX_HOLD);
            }
            verdict = Verdict.BLOCKED;
            judging = false;
        } else if (now - holdEnd > JUDGE_FOR) {
            lastVerdict = "never blocked in a " + hold / 1_000_000 + " ms hold";
            hold = Math.min(MAX_HOLD, hold * 2); // its buffers hold more than it wrote in the hold
            verdict = Verdict.NEVER_BLOCKED;
            judging = false;
        }
    }

    /**
     * A copy of a batch this connection already has. {@code firstSeenNanos}: when the batch first
     * arrived; {@code ackNanos}: when its ack was queued, or {@link BatchTracker#NOT_ACKED}.
     *
     * @return how long to stop reading this socket, in nanoseconds (0: go on reading)
     */
    long onCopy(long firstSeenNanos, long ackNanos, long now) {
        if (judging || ackNanos == BatchTracker.NOT_ACKED || now - ackNanos < ACK_GRACE) {
            return 0; // the backlog of the last hold, or an ack that may still be on its way
        }
        if (verdict == Verdict.BLOCKED && firstSeenNanos - holdEnd <= 0 && now - holdEnd < REST_OF_PASS) {
            return 0; // the rest of the pass it was in when it blocked
        }
        return begin(now); // the ack had time to be read, and was not
    }

    /** What the last hold showed, for the log. */
    String lastVerdict() {
        return lastVerdict;
    }

    /** Length of the next hold, in nanoseconds. */
    long nextHold() {
        return hold;
    }

    private long begin(long now) {
        judging = true;
        holdEnd = now + hold;
        lastSentMicros = Long.MIN_VALUE;
        widestGapMicros = 0;
        return hold;
    }
}
