package dev.z4j.brain.ingress;

import dev.z4j.brain.store.Directory;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Agents by token hash, so a reconnect storm (every worker of every agent at once after a restart)
 * costs the database one lookup per token instead of one per socket. Bounded (least recently used
 * entry leaves first) and short-lived: {@link #forget} drops an agent the moment it is revoked
 * here or on another replica, and the time to live bounds what a lost revocation notice could let
 * through. Only agents that were found and not revoked are kept.
 *
 * <p>A lookup that started before a revocation must not put the agent back afterwards: {@link
 * #epoch} is read before the lookup and {@link #put} refuses an entry whose epoch is stale.
 */
final class TokenCache {
    /** How long a cached agent is trusted without asking the database again. */
    static final Duration TTL = Duration.ofSeconds(60);

    private record Entry(Directory.Agent agent, long storedNanos) {}

    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // access order
    private long epoch; // guarded by lock; bumped by every forget

    /** @param capacity entries kept at most; 0 turns the cache off */
    TokenCache(int capacity, Duration ttl, LongSupplier nanoTime) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0");
        }
        this.capacity = capacity;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    TokenCache(int capacity) {
        this(capacity, TTL, System::nanoTime);
    }

    /** The agent cached for this token hash, or null (absent, expired). */
    Directory.Agent get(String tokenHash) {
        if (capacity == 0) {
            return null;
        }
        lock.lock();
        try {
            Entry e = entries.get(tokenHash);
            if (e == null) {
                return null;
            }
            if (nanoTime.getAsLong() - e.storedNanos() > ttlNanos) {
                entries.remove(tokenHash);
                return null;
            }
            return e.agent();
        } finally {
            lock.unlock();
        }
    }

    /** Read before a database lookup; hand it to {@link #put} with the lookup's result. */
    long epoch() {
        lock.lock();
        try {
            return epoch;
        } finally {
            lock.unlock();
        }
    }

    /** Keeps the agent unless it is revoked or a {@link #forget} ran since {@code epochBefore}. */
    void put(String tokenHash, Directory.Agent agent, long epochBefore) {
        if (capacity == 0 || agent.revoked()) {
            return;
        }
        lock.lock();
        try {
            if (epoch != epochBefore) {
                return; // a revocation ran while this agent was looked up: ask the database next time
            }
            entries.put(tokenHash, new Entry(agent, nanoTime.getAsLong()));
            if (entries.size() > capacity) {
                Iterator<String> eldest = entries.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The agent was revoked: no token of it is answered from the cache any more. */
    void forget(UUID agentId) {
        lock.lock();
        try {
            epoch++;
            entries.values().removeIf(e -> e.agent().id().equals(agentId));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
