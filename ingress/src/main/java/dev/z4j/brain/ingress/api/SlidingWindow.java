package dev.z4j.brain.ingress.api;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code limit} hits per key within any {@code window} (per replica, in memory): the login
 * and setup throttles per client address. Idle keys are dropped so the map stays small.
 */
public final class SlidingWindow {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Long>> hits = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long lastSweep;

    public SlidingWindow(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Counts a hit; false (and not counted) when the key already had {@code limit} hits in the window. */
    public boolean tryHit(String key) {
        long now = clock.millis();
        long floor = now - window.toMillis();
        lock.lock();
        try {
            sweep(now, floor);
            Deque<Long> q = hits.computeIfAbsent(key == null ? "" : key, k -> new ArrayDeque<>());
            while (!q.isEmpty() && q.peekFirst() <= floor) {
                q.pollFirst();
            }
            if (q.size() >= limit) {
                return false;
            }
            q.addLast(now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void sweep(long now, long floor) {
        if (now - lastSweep < window.toMillis()) {
            return;
        }
        lastSweep = now;
        hits.values().removeIf(q -> q.isEmpty() || q.peekLast() <= floor);
    }
}
