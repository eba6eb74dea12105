package dev.z4j.brain.store.read;

import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The counts behind the stats and home pages for large projects, served at most {@code maxAge}
 * old. Counting tasks is O(the tasks counted) however it is read: every task a project ever had
 * (the stats page's tasks by state: an index-only scan of 5 million entries took about a second on
 * 2 cores) or every task of the last 24 h (a busy project's last day: 167 000 rows of recently
 * written pages, ~0.4 s, because the visibility map of pages still being updated is never set and
 * each entry is checked in the heap). Both pages are polled. A key whose last count was below
 * {@code exactBelow} is counted on every request (exact, and cheap); above it, the last count is
 * answered and, once it is older than {@code maxAge} and than {@link #COST_FACTOR} times what the
 * last count took, one background recount replaces it (others keep getting the old one meanwhile),
 * so no request waits for a full count after the first and recounting takes at most a tenth of
 * one connection's time (a 3 s count on 2 cores, recounted every 10 s, would take a third of the
 * machine). A window count ("the last 24 h") is recounted over the window as of its recount.
 *
 * @param <K> what is counted: a project, or a project and a window
 */
final class CountCache<K> {
    /** How a key is counted: the statement's result, by state (or any label). */
    @FunctionalInterface
    interface Counter<K> {
        Map<String, Long> count(K key) throws StoreException;
    }

    /** A recount waits at least this many times what the last count took. */
    static final int COST_FACTOR = 10;

    private record Entry(Map<String, Long> counts, long total, long countedAt, long tookNanos,
                         AtomicBoolean recounting) {}

    private final long exactBelow;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private final Map<K, Entry> entries = new ConcurrentHashMap<>();

    CountCache(long exactBelow, Duration maxAge, LongSupplier nanoClock) {
        if (exactBelow < 0) {
            throw new IllegalArgumentException("exactBelow must be >= 0, was " + exactBelow);
        }
        this.exactBelow = exactBelow;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The counts of {@code key}: exact for small counts, at most maxAge old (after the first) for large ones. */
    Map<String, Long> get(K key, Counter<K> counter) throws StoreException {
        Optional<Map<String, Long>> kept = kept(key, counter);
        if (kept.isPresent()) {
            return kept.get();
        }
        long started = nanoClock.getAsLong();
        Map<String, Long> counts = counter.count(key);
        counted(key, counts, nanoClock.getAsLong() - started);
        return counts;
    }

    /**
     * The last count of a large key (starting its background recount with {@code counter} when it
     * is due), or empty when the caller must count it now and report it with {@link #counted}:
     * for callers that count many keys in one statement.
     */
    Optional<Map<String, Long>> kept(K key, Counter<K> counter) {
        Entry e = entries.get(key);
        if (e == null || e.total() < exactBelow) {
            return Optional.empty();
        }
        long age = nanoClock.getAsLong() - e.countedAt();
        if (age >= Math.max(maxAgeNanos, COST_FACTOR * e.tookNanos()) && e.recounting().compareAndSet(false, true)) {
            Thread.ofVirtual().name("count-recount").start(() -> {
                try {
                    long started = nanoClock.getAsLong();
                    Map<String, Long> counts = counter.count(key);
                    counted(key, counts, nanoClock.getAsLong() - started);
                } catch (StoreException | RuntimeException failed) {
                    // the old count stays; the next request past maxAge tries again
                } finally {
                    e.recounting().set(false);
                }
            });
        }
        return Optional.of(e.counts());
    }

    /** Records a count of {@code key} that took {@code tookNanos}. */
    void counted(K key, Map<String, Long> counts, long tookNanos) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        entries.put(key, new Entry(Map.copyOf(counts), total, nanoClock.getAsLong(), tookNanos, new AtomicBoolean()));
    }
}
