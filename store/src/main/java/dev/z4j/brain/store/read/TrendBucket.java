package dev.z4j.brain.store.read;

/**
 * The finished tasks of one bucket: {@code index} counts buckets from 1970-01-01 (the bucket starts
 * at index x bucket seconds); runtimes are summed so the average is computed once, exactly.
 */
public record TrendBucket(long index, long success, long failure, long retry, long revoked, long runtimeSumMs,
                          long runtimeCount) {
    public long total() {
        return success + failure + retry + revoked;
    }
}
