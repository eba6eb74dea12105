package dev.z4j.brain.loadgen;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** {@code ev_} + 12 hex, as z4j-bare names its event_batch frames. */
final class BatchIds {
    private BatchIds() {}

    static String next(RandomGenerator random) {
        return "ev_" + HexFormat.of().toHexDigits(random.nextLong()).substring(4);
    }
}
