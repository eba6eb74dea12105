package dev.z4j.brain.store.sqlite;

import java.time.Instant;

/** Timestamps are stored as INTEGER epoch microseconds (UTC): compact, sortable, exact enough. */
final class Micros {
    private static final long PER_SECOND = 1_000_000L;
    private static final long PER_DAY = 86_400L * PER_SECOND;

    private Micros() {}

    static long of(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), PER_SECOND), t.getNano() / 1_000);
    }

    static Long ofNullable(Instant t) {
        return t == null ? null : of(t);
    }

    static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, PER_SECOND), Math.floorMod(micros, PER_SECOND) * 1_000L);
    }

    /** UTC day number of a timestamp: the PostgreSQL partition key, kept as a column for parity. */
    static long day(long micros) {
        return Math.floorDiv(micros, PER_DAY);
    }
}
