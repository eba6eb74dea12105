package dev.z4j.brain.store.read;

import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The counts behind the stats and home pages for large projects, served at most {@code maxAge}
 * old. Counting tasks is O(the tasks counted) however it is read: every task a project ever had
 * (the stats page's tasks by state; an index-only scan of 5 million entries took about a second on
 * 2 cores) or every task of the last 24 h (a busy project's last day: 167 000 rows of recently
 * written pages, ~0.4 s, because the visibility map of pages still being updated is never set and
 * each entry is checked in the heap). Both pages are polled. On PostgreSQL the database keeps
 * tasks by state and per-hour window counts itself (V018, V019), so there a window's count is
 * only its part-hour before the first whole hour; SQLite counts all of it. A key whose last count
 * was below {@code exactBelow} is counted on every request (exact, and cheap); above it, the last
 * count is answered and, once it is older than {@code maxAge} and than {@link #COST_FACTOR} times
 * what the last count took, one background recount replaces it (others keep getting the old one meanwhile),
 * so no request waits for a full count after the first and recounting takes at most a tenth of
 * one connection's time (a 3 s count on 2 cores, recounted every 10 s, would take a third of the
 * machine). A window count ("the last 24 h") is recounted over the window as of its recount.
 *
 * <p>A count made on a request is made once per key at a time: callers that need the same key
 * while it is being counted get its last count, or, when it has none yet, wait for that count
 * (without holding a connection), instead of each starting their own. Without this, the first
 * requests after a start, or after a project's count crossed {@code exactBelow} (a project that
 * just received a million tasks was still counted on every request), each ran the same
 * seconds-long count at once and held the whole pool: every endpoint stalled for seconds
 * (docs/OPERATOR-READS.md, "the stall").
 *
 * @param <K> what is counted: a project, or a project and a window
 */
final class CountCache<K> {
    /**
     * How a key is counted: the statement's result, by state (or any label). {@code background}:
     * a recount nobody waits for, to be made gently (on PostgreSQL without parallel workers: a
     * parallel scan of 5 million tasks took both cores from the ingest writer for 5 s).
     */
    @FunctionalInterface
    interface Counter<K> {
        Map<String, Long> count(K key, boolean background) throws StoreException;
    }

    /** How several keys are counted in one statement (absent keys counted nothing); see {@link Counter}. */
    @FunctionalInterface
    interface BatchCounter<K> {
        Map<K, Map<String, Long>> count(List<K> keys, boolean background) throws StoreException;
    }

    /** A recount waits at least this many times what the last count took. */
    static final int COST_FACTOR = 10;

    private record Entry(Map<String, Long> counts, long total, long countedAt, long tookNanos,
                         AtomicBoolean recounting) {}

    private final long exactBelow;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private final Map<K, Entry> entries = new ConcurrentHashMap<>();
    /** Counts being made on a request, per key: a second caller waits for the first one's. */
    private final Map<K, CompletableFuture<Map<String, Long>>> inFlight = new ConcurrentHashMap<>();

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
        return getAll(List.of(key), (keys, background) -> Map.of(key, counter.count(key, background))).get(key);
    }

    /**
     * The counts of each of {@code keys} as {@link #get} would answer them, those that must be
     * counted now counted together by one call of {@code counter} (less those another caller is
     * counting right now: their last counts, or, for a key never counted, the count in flight).
     */
    Map<K, Map<String, Long>> getAll(Collection<K> keys, BatchCounter<K> counter) throws StoreException {
        Map<K, Map<String, Long>> out = new HashMap<>();
        Map<K, CompletableFuture<Map<String, Long>>> mine = new LinkedHashMap<>();
        Map<K, CompletableFuture<Map<String, Long>>> theirs = new HashMap<>();
        for (K key : keys) {
            Optional<Map<String, Long>> kept = kept(key,
                    (k, background) -> counter.count(List.of(k), background).getOrDefault(k, Map.of()));
            if (kept.isPresent()) {
                out.put(key, kept.get());
                continue;
            }
            CompletableFuture<Map<String, Long>> claim = new CompletableFuture<>();
            CompletableFuture<Map<String, Long>> running = inFlight.putIfAbsent(key, claim);
            if (running == null) {
                mine.put(key, claim);
                continue;
            }
            Entry last = entries.get(key);
            if (last != null) {
                out.put(key, last.counts()); // counted a moment ago; the count in flight replaces it
            } else {
                theirs.put(key, running);
            }
        }
        if (!mine.isEmpty()) {
            out.putAll(countNow(mine, counter));
        }
        for (Map.Entry<K, CompletableFuture<Map<String, Long>>> e : theirs.entrySet()) {
            out.put(e.getKey(), await(e.getValue()));
        }
        return out;
    }

    /** Counts the keys this caller claimed, then hands the counts (or the failure) to whoever waits for them. */
    private Map<K, Map<String, Long>> countNow(Map<K, CompletableFuture<Map<String, Long>>> claimed,
                                                BatchCounter<K> counter) throws StoreException {
        Map<K, Map<String, Long>> counts = new HashMap<>();
        try {
            long started = nanoClock.getAsLong();
            Map<K, Map<String, Long>> fresh = counter.count(List.copyOf(claimed.keySet()), false);
            long took = nanoClock.getAsLong() - started;
            for (K key : claimed.keySet()) {
                Map<String, Long> c = fresh.getOrDefault(key, Map.of());
                counted(key, c, took);
                counts.put(key, c);
            }
        } catch (StoreException | RuntimeException e) {
            claimed.forEach((key, claim) -> {
                inFlight.remove(key, claim);
                claim.completeExceptionally(e);
            });
            throw e;
        }
        claimed.forEach((key, claim) -> {
            inFlight.remove(key, claim);
            claim.complete(counts.get(key));
        });
        return counts;
    }

    /** Another caller's count of a key; its failure is this caller's. */
    private static Map<String, Long> await(CompletableFuture<Map<String, Long>> count) throws StoreException {
        try {
            return count.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a count", true, e);
        }
    }

    /**
     * The last count of a large key (starting its background recount with {@code counter} when it
     * is due), or empty when it must be counted now.
     */
    private Optional<Map<String, Long>> kept(K key, Counter<K> counter) {
        Entry e = entries.get(key);
        if (e == null || e.total() < exactBelow) {
            return Optional.empty();
        }
        long age = nanoClock.getAsLong() - e.countedAt();
        if (age >= Math.max(maxAgeNanos, COST_FACTOR * e.tookNanos()) && e.recounting().compareAndSet(false, true)) {
            Thread.ofVirtual().name("count-recount").start(() -> {
                try {
                    long started = nanoClock.getAsLong();
                    Map<String, Long> counts = counter.count(key, true);
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
    private void counted(K key, Map<String, Long> counts, long tookNanos) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        entries.put(key, new Entry(Map.copyOf(counts), total, nanoClock.getAsLong(), tookNanos, new AtomicBoolean()));
    }
}
