package dev.z4j.brain.pipeline;

import dev.z4j.brain.store.EventRow;
import dev.z4j.brain.store.EventStore;
import dev.z4j.brain.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of the store: dedupes on (projectId, id), records every write call, and can be
 * switched down (transient), fed poison ids (permanent or RuntimeException), or held at a gate.
 */
final class FakeEventStore implements EventStore {
    enum PoisonMode { PERMANENT, RUNTIME }

    private final Set<String> stored = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> insertCounts = new ConcurrentHashMap<>();
    private final List<List<EventRow>> calls = new ArrayList<>();
    private final List<List<EventRow>> successfulWrites = new ArrayList<>();
    private final Set<UUID> poisonIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger transientFailuresLeft = new AtomicInteger();
    private volatile UUID transientTrigger;
    private volatile PoisonMode poisonMode = PoisonMode.PERMANENT;
    private volatile boolean down;
    private volatile boolean broken;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger callsStarted = new AtomicInteger();

    /** Every write throws an Error, as a store with a linkage or assertion bug would. */
    void breakWithError() {
        broken = true;
    }

    void down(boolean down) {
        this.down = down;
    }

    void poison(UUID eventId, PoisonMode mode) {
        poisonMode = mode;
        poisonIds.add(eventId);
    }

    /** The next {@code n} poison-free calls that contain {@code eventId} fail with a transient StoreException. */
    void failTransientlyWhenWriting(UUID eventId, int n) {
        transientTrigger = eventId;
        transientFailuresLeft.set(n);
    }

    /** From now on every write waits until {@link #openGate()}. */
    void closeGate() {
        gate = new CountDownLatch(1);
    }

    void openGate() {
        gate.countDown();
    }

    int callsStarted() {
        return callsStarted.get();
    }

    @Override
    public boolean[] write(List<EventRow> events) throws StoreException {
        callsStarted.incrementAndGet();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted", true, e);
        }
        List<EventRow> copy = List.copyOf(events);
        synchronized (this) {
            calls.add(copy);
        }
        if (broken) {
            throw new AssertionError("store bug");
        }
        if (down) {
            throw new StoreException("connection refused", true, null);
        }
        boolean hasPoison = copy.stream().anyMatch(r -> poisonIds.contains(r.id()));
        if (hasPoison) {
            if (poisonMode == PoisonMode.RUNTIME) {
                throw new IllegalArgumentException("driver choked on a row");
            }
            throw new StoreException("value too long for type character varying(80)", false, null);
        }
        boolean triggers = copy.stream().anyMatch(r -> r.id().equals(transientTrigger));
        if (triggers && transientFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreException("deadlock detected", true, null);
        }
        boolean[] inserted = new boolean[copy.size()];
        for (int i = 0; i < copy.size(); i++) {
            String key = key(copy.get(i));
            inserted[i] = stored.add(key);
            if (inserted[i]) {
                insertCounts.merge(key, 1, Integer::sum);
            }
        }
        synchronized (this) {
            successfulWrites.add(copy);
        }
        return inserted;
    }

    boolean isStored(EventRow row) {
        return stored.contains(key(row));
    }

    int storedCount() {
        return stored.size();
    }

    /** How many times each row was written successfully (not merely inserted): must be 1 for exactly once. */
    synchronized Map<UUID, Integer> successfulWriteCountsById() {
        Map<UUID, Integer> counts = new HashMap<>();
        for (List<EventRow> write : successfulWrites) {
            for (EventRow row : write) {
                counts.merge(row.id(), 1, Integer::sum);
            }
        }
        return counts;
    }

    synchronized List<List<EventRow>> calls() {
        return List.copyOf(calls);
    }

    synchronized List<List<EventRow>> successfulWrites() {
        return List.copyOf(successfulWrites);
    }

    private static String key(EventRow row) {
        return row.projectId() + "/" + row.id();
    }
}
