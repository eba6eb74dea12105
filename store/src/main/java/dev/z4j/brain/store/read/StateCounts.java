package dev.z4j.brain.store.read;

import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The stats page's tasks-by-state of large projects, served at most {@code maxAge} old. Counting
 * every task a project ever had is O(its tasks) however it is read (an index-only scan of the
 * state index reads every entry: measured at about a second for 5 million tasks on 2 cores), and
 * the overview page polls it. A project whose last count was below {@code exactBelow} tasks is
 * counted on every request (exact, and cheap); above it, the last count is answered and, once it
 * is older than {@code maxAge} and than {@link #COST_FACTOR} times what the last count took, one
 * background recount replaces it (others keep getting the old one meanwhile), so no request waits
 * for a full count after the first and recounting takes at most a tenth of one connection's time
 * (a 3 s count on 2 cores, recounted every 10 s, would take a third of the machine).
 */
final class StateCounts {
    /** How a project is counted: the statement's result, by state. */
    @FunctionalInterface
    interface Counter {
        Map<String, Long> count(UUID projectId) throws StoreException;
    }

    /** A recount waits at least this many times what the last count took. */
    static final int COST_FACTOR = 10;

    private record Entry(Map<String, Long> counts, long total, long countedAt, long tookNanos,
                         AtomicBoolean recounting) {}

    private final long exactBelow;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

    StateCounts(long exactBelow, Duration maxAge, LongSupplier nanoClock) {
        if (exactBelow < 0) {
            throw new IllegalArgumentException("exactBelow must be >= 0, was " + exactBelow);
        }
        this.exactBelow = exactBelow;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The counts of {@code projectId}: exact for small projects, at most maxAge old (after the first) for large ones. */
    Map<String, Long> get(UUID projectId, Counter counter) throws StoreException {
        Entry e = entries.get(projectId);
        if (e == null || e.total() < exactBelow) {
            return count(projectId, counter).counts();
        }
        long age = nanoClock.getAsLong() - e.countedAt();
        if (age >= Math.max(maxAgeNanos, COST_FACTOR * e.tookNanos()) && e.recounting().compareAndSet(false, true)) {
            Thread.ofVirtual().name("stats-recount").start(() -> {
                try {
                    count(projectId, counter);
                } catch (StoreException | RuntimeException failed) {
                    // the old count stays; the next request past maxAge tries again
                } finally {
                    e.recounting().set(false);
                }
            });
        }
        return e.counts();
    }

    private Entry count(UUID projectId, Counter counter) throws StoreException {
        long started = nanoClock.getAsLong();
        Map<String, Long> counts = counter.count(projectId);
        long now = nanoClock.getAsLong();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        Entry e = new Entry(Map.copyOf(counts), total, now, now - started, new AtomicBoolean());
        entries.put(projectId, e);
        return e;
    }
}
