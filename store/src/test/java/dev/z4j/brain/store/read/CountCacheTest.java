package dev.z4j.brain.store.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CountCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final CountCache<UUID> counts = new CountCache<>(1000, Duration.ofSeconds(10), now::get);
    private final UUID project = UUID.randomUUID();

    @Test
    void aSmallProjectIsCountedOnEveryRequest() throws StoreException {
        AtomicInteger calls = new AtomicInteger();
        CountCache.Counter<UUID> counter = p -> Map.of("success", 10L + calls.incrementAndGet());
        assertThat(counts.get(project, counter)).containsEntry("success", 11L);
        assertThat(counts.get(project, counter)).containsEntry("success", 12L);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aLargeProjectIsAnsweredFromItsLastCountUntilItIsTooOld() throws StoreException {
        AtomicInteger calls = new AtomicInteger();
        CountCache.Counter<UUID> counter = p -> Map.of("success", 5000L + calls.incrementAndGet());
        assertThat(counts.get(project, counter)).containsEntry("success", 5001L);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(counts.get(project, counter)).as("younger than 10 s: no recount").containsEntry("success", 5001L);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anOldCountIsAnsweredWhileOneBackgroundRecountReplacesIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountCache.Counter<UUID> counter = p -> {
            if (calls.incrementAndGet() > 1) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Map.of("success", 5000L + calls.get());
        };
        counts.get(project, counter);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        // the recount is held: every request meanwhile gets the old count at once, and starts no other recount
        assertThat(counts.get(project, counter)).containsEntry("success", 5001L);
        assertThat(counts.get(project, counter)).containsEntry("success", 5001L);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> counts.get(project, counter).get("success") == 5002L);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aSlowCountIsRepeatedNoSoonerThanTenTimesWhatItTook() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountCache.Counter<UUID> counter = p -> {
            now.addAndGet(Duration.ofSeconds(3).toNanos()); // each count takes 3 s
            return Map.of("success", 5000L + calls.incrementAndGet());
        };
        counts.get(project, counter);
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(counts.get(project, counter)).as("29 s < 10 x 3 s").containsEntry("success", 5001L);
        assertThat(calls).hasValue(1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        counts.get(project, counter);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
    }

    @Test
    void aFailedRecountKeepsTheOldCountAndIsTriedAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountCache.Counter<UUID> counter = p -> {
            if (calls.incrementAndGet() == 2) {
                throw new StoreException("database away", true, null);
            }
            return Map.of("success", 5000L + calls.get());
        };
        counts.get(project, counter);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(counts.get(project, counter)).containsEntry("success", 5001L);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> counts.get(project, counter).get("success") == 5003L);
    }
}
