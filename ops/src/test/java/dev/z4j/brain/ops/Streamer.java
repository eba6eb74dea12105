package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams numbered batches (one task lifecycle each) from a test agent in the background and
 * checks the exactly-once promise afterwards: every acked batch is stored, nothing twice.
 */
final class Streamer {
    final int batches;
    final Instant t0 = Instant.now().minusSeconds(30);
    final AtomicInteger sent = new AtomicInteger();
    private volatile boolean stop;
    private Thread thread;
    /** Batches sent before waiting for {@link #release}; all of them when never held. */
    private int heldAfter = Integer.MAX_VALUE;
    private final CountDownLatch released = new CountDownLatch(1);

    Streamer(int batches) {
        this.batches = batches;
    }

    static String batchId(int i) {
        return "ev_crash_" + i;
    }

    static String taskId(int i) {
        return "crash-task-" + i;
    }

    List<Map<String, Object>> events(int i) {
        return TestAgent.lifecycle(taskId(i), t0.plusMillis(i));
    }

    /**
     * Sends the first {@code count} batches only, then waits for {@link #release}: a test that must
     * have batches arriving after some event (an outage) holds the rest back until then, instead
     * of racing a sender that may already be done.
     */
    Streamer holdAfter(int count) {
        this.heldAfter = count;
        return this;
    }

    void release() {
        released.countDown();
    }

    /** Sends batches 0..n-1 one after another until done, stopped, or the socket fails. */
    Streamer start(TestAgent agent) {
        thread = Thread.startVirtualThread(() -> {
            for (int i = 0; i < batches && !stop; i++) {
                if (i == heldAfter) {
                    try {
                        released.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    agent.sendBatch(batchId(i), events(i));
                    sent.incrementAndGet();
                } catch (RuntimeException e) {
                    return; // brain went away mid-stream
                }
            }
        });
        return this;
    }

    void stop() throws InterruptedException {
        stop = true;
        released.countDown();
        thread.join();
    }

    /** What a z4j agent does after reconnecting: resend everything it has not seen acked (here: all). */
    void resendAll(TestAgent agent) {
        for (int i = 0; i < batches; i++) {
            agent.sendBatch(batchId(i), events(i));
        }
    }

    static Set<Integer> ackedIndexes(TestAgent agent) {
        Set<Integer> acked = new HashSet<>();
        for (String id : agent.acks().keySet()) {
            acked.add(Integer.parseInt(id.substring("ev_crash_".length())));
        }
        return acked;
    }

    /** Every batch the agent saw acked has all three of its events in the database. */
    static void assertAckedAreStored(BrainFixtureLike db, Set<Integer> acked) throws Exception {
        for (int i : acked) {
            assertThat(db.count("SELECT count(*) FROM events WHERE task_id = '" + taskId(i) + "'"))
                    .as("events of acked batch %d", i).isEqualTo(3);
        }
    }

    /** SQL access to the brain's database (an in-process fixture or a separate process). */
    interface BrainFixtureLike {
        long count(String sql) throws Exception;
    }
}
