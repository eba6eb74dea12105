package dev.z4j.brain.store.postgres;

import java.util.ArrayDeque;

/**
 * How far behind the primary a standby is, in time, from WAL positions alone.
 *
 * <p>{@code now() - pg_last_xact_replay_timestamp()} on the standby grows without bound while the
 * primary is idle (nothing new to replay, yet the last replayed commit gets older), and a byte
 * distance between the primary's WAL position and {@code pg_last_wal_replay_lsn()} is not a
 * time. So each check records when the primary was seen at which WAL position; the lag is the age
 * of the oldest recorded position the standby has not replayed yet (0 once it has replayed them
 * all). Resolution is one check interval; an idle primary reads as 0 once the standby caught up.
 * Not thread-safe: one monitor thread owns it.
 */
final class ReplayLag {
    /** Positions remembered; beyond this the newest one is moved forward (overstating the lag, never understating it). */
    static final int MAX_POSITIONS = 4_096;

    /** Sizes of the WAL page headers (short; long at a segment start): no record ends inside one. */
    static final int SHORT_PAGE_HEADER = 24;
    static final int LONG_PAGE_HEADER = 40;

    private record Seen(long lsn, long atNanos) {}

    /**
     * {@code pg_current_wal_insert_lsn()} points where the next record starts: just past the header
     * when the last record filled its page. The standby's replay position is where the last record
     * ended, the page boundary. Without this an idle primary at a page boundary would look like a
     * standby that never catches up.
     */
    static long recordEnd(long insertLsn, int walBlockSize) {
        long offset = insertLsn % walBlockSize;
        return offset == SHORT_PAGE_HEADER || offset == LONG_PAGE_HEADER ? insertLsn - offset : insertLsn;
    }

    /** The lag of a standby first seen behind: unknown, so beyond any bound until it replays that position. */
    static final long UNKNOWN = Long.MAX_VALUE;
    private static final long AGE_UNKNOWN = Long.MIN_VALUE;

    private final ArrayDeque<Seen> pending = new ArrayDeque<>();
    private boolean measuredBefore;

    /**
     * @param primaryLsn  the primary's {@code pg_current_wal_insert_lsn()}, sampled at {@code primaryAtNanos}
     * @param replayedLsn the standby's {@code pg_last_wal_replay_lsn()}, sampled after that
     * @return the lag in nanoseconds at {@code nowNanos}, or {@link #UNKNOWN}
     */
    long observe(long primaryLsn, long primaryAtNanos, long replayedLsn, long nowNanos) {
        // At the first check (at start, or back after an outage) a standby behind the primary may
        // be milliseconds or hours behind: it is known only once it has replayed this position.
        long seenAt = measuredBefore ? primaryAtNanos : AGE_UNKNOWN;
        measuredBefore = true;
        Seen newest = pending.peekLast();
        if (primaryLsn > replayedLsn && (newest == null || primaryLsn > newest.lsn())) {
            if (pending.size() < MAX_POSITIONS) {
                pending.addLast(new Seen(primaryLsn, seenAt));
            } else {
                pending.pollLast();
                pending.addLast(new Seen(primaryLsn, newest.atNanos()));
            }
        }
        while (!pending.isEmpty() && pending.peekFirst().lsn() <= replayedLsn) {
            pending.pollFirst();
        }
        Seen oldest = pending.peekFirst();
        if (oldest == null) {
            return 0;
        }
        return oldest.atNanos() == AGE_UNKNOWN ? UNKNOWN : Math.max(0, nowNanos - oldest.atNanos());
    }

    /** Forgets every position (the standby went away; its lag is measured afresh when it returns). */
    void reset() {
        pending.clear();
        measuredBefore = false;
    }
}
