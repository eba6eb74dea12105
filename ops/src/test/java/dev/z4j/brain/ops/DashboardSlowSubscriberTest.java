package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.registry.Notice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A subscriber that stops reading is disconnected; publishing never waits on it; others keep going. */
class DashboardSlowSubscriberTest {
    @TempDir
    Path home;

    @Test
    void slowSubscriberIsDroppedNeverWaitedOn() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, Map.of());
             DashboardClient slow = DashboardClient.open(brain.port(), "Bearer " + brain.adminKey());
             DashboardClient fast = DashboardClient.open(brain.port(), "Bearer " + brain.adminKey())) {
            slow.subscribe("default");
            fast.subscribe("default");
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.ready() && fast.ready());
            UUID project = brain.brain().database().directory().projectBySlug("default").orElseThrow().id();
            slow.stopReading();

            // A steady stream of notices: the slow socket's buffers fill, then its oldest notice ages.
            Thread publisher = Thread.startVirtualThread(() -> {
                long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                while (brain.brain().dashboard().subscriberCount() == 2 && System.nanoTime() < end) {
                    brain.brain().registry().publish(
                            new Notice(project, Notice.COMMAND_CHANGED, 1, UUID.randomUUID().toString()));
                }
            });
            // The slow client reads nothing, so it cannot even see its close frame: check the hub instead.
            await().atMost(Duration.ofSeconds(40)).until(() -> brain.brain().dashboard().subscriberCount() == 1);
            publisher.join(Duration.ofSeconds(30));
            assertThat(publisher.isAlive()).as("publishing never blocked on the slow subscriber").isFalse();
            assertThat(brain.metric("z4j_dashboard_slow_disconnects_total")).isGreaterThanOrEqualTo(1.0);

            // The reading subscriber is still connected and still gets notices: once it has worked through
            // the burst (which it may have received coalesced per topic), a new notice arrives as itself.
            assertThat(fast.closed().isDone()).isFalse();
            long before = fast.count(Notice.COMMAND_CHANGED, null);
            int[] seen = {-1};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                int now = fast.received().size();
                boolean quiet = now == seen[0];
                seen[0] = now;
                return quiet;
            });
            brain.brain().registry().publish(new Notice(project, Notice.COMMAND_CHANGED, 1, "after"));
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.count(Notice.COMMAND_CHANGED, "after") == 1);
            assertThat(fast.count(Notice.COMMAND_CHANGED, null)).isGreaterThan(before);
            assertThat(fast.closed().isDone()).isFalse();
        }
    }
}
