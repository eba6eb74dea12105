package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The lookup gate: never more than its limit at once; the others wait and all get their turn. */
class LookupGateTest {
    @Test
    void runsAtMostItsLimitAtOnceAndQueuesTheRestWithoutRefusingAny() throws Exception {
        LookupGate gate = new LookupGate(3);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostSeen = new AtomicInteger();
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> gate.run(() -> {
                    mostSeen.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        running.decrementAndGet();
                    }
                    return n;
                })));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.inFlight() == 3 && gate.waiting() == 17);
            assertThat(running.get()).isEqualTo(3);

            release.countDown();
            for (int i = 0; i < 20; i++) {
                assertThat(results.get(i).get()).isEqualTo(i); // every waiting lookup ran
            }
        }
        assertThat(mostSeen.get()).isEqualTo(3);
        assertThat(gate.peak()).isEqualTo(3);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aFailingLookupGivesItsPermitBack() throws Exception {
        LookupGate gate = new LookupGate(1);
        for (int i = 0; i < 3; i++) {
            try {
                gate.run(() -> {
                    throw new IllegalStateException("database down");
                });
            } catch (IllegalStateException expected) {
                // next
            }
        }
        assertThat(gate.run(() -> "ok")).isEqualTo("ok");
        assertThat(gate.inFlight()).isZero();
    }
}
