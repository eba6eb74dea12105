package dev.z4j.brain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Replica A accepts a storm of sockets; replica B hears of every one (so it can close an older
 * socket of the same worker) through a handful of NOTIFYs, worker ids intact whatever they hold.
 */
class SocketAnnouncementsTest {

    /** Records what the other replica was told; holds nothing itself. */
    private static final class Recording implements LocalAgents {
        final Map<String, Instant> displaced = new ConcurrentHashMap<>();

        @Override
        public boolean deliver(UUID commandId, UUID agentId) {
            return false;
        }

        @Override
        public void reconcile(Collection<UUID> agentIds) {}

        @Override
        public Set<UUID> heldAgents() {
            return Set.of();
        }

        @Override
        public boolean holds(UUID agentId) {
            return false;
        }

        @Override
        public void displaceIfOlder(UUID agentId, String workerId, Instant connectedAt) {
            displaced.put(agentId + "/" + workerId, connectedAt);
        }

        @Override
        public int revoke(UUID agentId) {
            return 0;
        }
    }

    @Test
    void aStormOfSocketsTravelsInAFewNotifies() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = "postgresql://postgres:postgres@localhost:" + pg.getPort() + "/postgres";
            DatabaseConfig config = new DatabaseConfig(url, Path.of("/tmp"), 10_000, 4);
            try (PostgresDatabase dbA = PostgresDatabase.open(config); PostgresDatabase dbB = PostgresDatabase.open(config)) {
                dbA.migrate();
                SimpleMeterRegistry metersB = new SimpleMeterRegistry();
                Recording onB = new Recording();
                PostgresNotifyRegistry a = new PostgresNotifyRegistry(dbA, new Recording(), LocalDashboard.NONE,
                        new SimpleMeterRegistry());
                PostgresNotifyRegistry b = new PostgresNotifyRegistry(dbB, onB, LocalDashboard.NONE, metersB);
                a.start();
                b.start();
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> a.healthy() && b.healthy());
                    double before = metersB.counter("z4j_registry_notifications_total").count();
                    UUID agent = UUID.randomUUID();
                    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    int sockets = 2000;
                    for (int i = 0; i < sockets; i++) {
                        a.socketAccepted(agent, "celery@host-" + i, at);
                    }
                    String odd = "w|1\nsecond line%20+ü";
                    a.socketAccepted(agent, odd, at);

                    await().atMost(Duration.ofSeconds(20)).until(() -> onB.displaced.size() == sockets + 1);
                    assertThat(onB.displaced).containsEntry(agent + "/celery@host-1999", at)
                            .containsEntry(agent + "/" + odd, at);
                    // about 100 bytes a socket, up to 7000 bytes a NOTIFY; the watchdog adds one every 2 s
                    double heard = metersB.counter("z4j_registry_notifications_total").count() - before;
                    assertThat(heard).as("NOTIFYs heard for %d sockets", sockets).isLessThan(sockets / 20.0);
                } finally {
                    a.close();
                    b.close();
                }
            }
        }
    }
}
