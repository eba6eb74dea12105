package dev.z4j.brain.store.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
        CountCache.Counter<UUID> counter = (p, background) -> Map.of("success", 10L + calls.incrementAndGet());
        assertThat(counts.get(project, counter)).containsEntry("success", 11L);
        assertThat(counts.get(project, counter)).containsEntry("success", 12L);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aLargeProjectIsAnsweredFromItsLastCountUntilItIsTooOld() throws StoreException {
        AtomicInteger calls = new AtomicInteger();
        CountCache.Counter<UUID> counter = (p, background) -> Map.of("success", 5000L + calls.incrementAndGet());
        assertThat(counts.get(project, counter)).containsEntry("success", 5001L);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(counts.get(project, counter)).as("younger than 10 s: no recount").containsEntry("success", 5001L);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anOldCountIsAnsweredWhileOneBackgroundRecountReplacesIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<Boolean> gently = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountCache.Counter<UUID> counter = (p, background) -> {
            gently.add(background);
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
        assertThat(gently).as("the first count is waited for; the recount is made gently").containsExactly(false, true);
    }

    @Test
    void aSlowCountIsRepeatedNoSoonerThanTenTimesWhatItTook() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountCache.Counter<UUID> counter = (p, background) -> {
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
        CountCache.Counter<UUID> counter = (p, background) -> {
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

    @Test
    void requestsThatFindTheSameKeyBeingCountedWaitForThatCountInsteadOfCountingAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch counting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountCache.Counter<UUID> counter = (p, background) -> {
            calls.incrementAndGet();
            counting.countDown();
            hold(release);
            return Map.of("success", 5000L);
        };
        // no count yet (a brain just started): eight requests at once, one count, all wait for it
        List<CompletableFuture<Map<String, Long>>> answers = new ArrayList<>();
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            answers.add(CompletableFuture.supplyAsync(() -> getQuietly(counter), requests));
            assertThat(counting.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 7; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> getQuietly(counter), requests));
            }
            release.countDown();
            for (CompletableFuture<Map<String, Long>> a : answers) {
                assertThat(a.get(5, TimeUnit.SECONDS)).containsEntry("success", 5000L);
            }
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void aSmallKeyThatGrewLargeIsCountedOnceWhileItsOtherRequestsGetItsLastCount() throws Exception {
        AtomicLong tasks = new AtomicLong(10);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch counting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountCache.BatchCounter<UUID> counter = (keys, background) -> {
            if (calls.incrementAndGet() > 1) { // the first count, of a small project, is quick
                counting.countDown();
                hold(release);
            }
            return Map.of(keys.get(0), Map.of("started", tasks.get()));
        };
        assertThat(counts.getAll(List.of(project), counter).get(project)).containsEntry("started", 10L);
        tasks.set(1_000_000); // a load just wrote a million tasks into it: its next count takes seconds
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Map<UUID, Map<String, Long>>> counter1 =
                    CompletableFuture.supplyAsync(() -> getAllQuietly(counter), requests);
            assertThat(counting.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++) { // while it counts: the last count at once, no second count
                assertThat(getAllQuietly(counter).get(project)).containsEntry("started", 10L);
            }
            release.countDown();
            assertThat(counter1.get(5, TimeUnit.SECONDS).get(project)).containsEntry("started", 1_000_000L);
        }
        assertThat(calls).as("the quick count, then one while five more requests came").hasValue(2);
        // and now it is large: answered from that count, no request counts it again for 10 s
        assertThat(counts.getAll(List.of(project), counter).get(project)).containsEntry("started", 1_000_000L);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailedCountFailsEveryoneWaitingForItAndTheNextRequestCountsAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch counting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountCache.Counter<UUID> counter = (p, background) -> {
            if (calls.incrementAndGet() == 1) {
                counting.countDown();
                hold(release);
                throw new StoreException("statement timeout", true, null);
            }
            return Map.of("success", 7L);
        };
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Map<String, Long>> first = CompletableFuture.supplyAsync(() -> getQuietly(counter), requests);
            assertThat(counting.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Map<String, Long>> waiting = CompletableFuture.supplyAsync(() -> getQuietly(counter), requests);
            release.countDown();
            assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(StoreException.class);
            // the second request either waited for the failed count (and failed with it) or came after it and counted
            try {
                assertThat(waiting.get(5, TimeUnit.SECONDS)).containsEntry("success", 7L);
            } catch (ExecutionException e) {
                assertThat(e).hasRootCauseInstanceOf(StoreException.class);
            }
        }
        assertThat(counts.get(project, counter)).containsEntry("success", 7L);
    }

    private Map<String, Long> getQuietly(CountCache.Counter<UUID> counter) {
        try {
            return counts.get(project, counter);
        } catch (StoreException e) {
            throw new CompletionException(e);
        }
    }

    private Map<UUID, Map<String, Long>> getAllQuietly(CountCache.BatchCounter<UUID> counter) {
        try {
            return counts.getAll(List.of(project), counter);
        } catch (StoreException e) {
            throw new CompletionException(e);
        }
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
