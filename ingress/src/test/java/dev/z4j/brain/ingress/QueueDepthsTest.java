package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.read.QueueView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeat queue depths become gauges and, after a flush, the stats page's queue_depths. */
class QueueDepthsTest {
    @TempDir
    Path home;
    private Database db;
    private Directory.Project project;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private QueueDepths depths;

    @BeforeEach
    void open() throws Exception {
        db = Databases.open(new DatabaseConfig(null, home, 5_000, 2));
        db.migrate();
        project = db.directory().createProject("p", "P");
        depths = new QueueDepths(db.directory(), meters);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private double gauge(String engine, String queue) {
        return meters.get("z4j_queue_depth").tag("project", project.id().toString()).tag("engine", engine)
                .tag("queue", queue).gauge().value();
    }

    private double rejected() {
        return meters.get("z4j_queue_depths_rejected_total").counter().count();
    }

    @Test
    void theNewestDepthOfEachQueueIsAGaugeAndIsStoredForTheStatsPage() throws Exception {
        Map<String, String> health = new LinkedHashMap<>();
        health.put("celery.queue_depths", "{\"default\": 4, \"mail\": 12000}");
        health.put("celery.workers", "1");
        assertThat(depths.report(project.id(), health)).isEqualTo(2);
        assertThat(depths.report(project.id(), Map.of("celery.queue_depths", "{\"default\": 7}"))).isEqualTo(1);
        assertThat(gauge("celery", "default")).isEqualTo(7.0);
        assertThat(gauge("celery", "mail")).isEqualTo(12000.0);

        assertThat(depths.flush()).isEqualTo(2);
        assertThat(depths.flush()).as("nothing new").isZero();
        List<QueueView> stored = db.reads().stats(project.id(), Instant.now()).queueDepths();
        assertThat(stored).extracting(QueueView::name, QueueView::pendingCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", 7),
                        org.assertj.core.groups.Tuple.tuple("mail", 12000));
    }

    @Test
    void malformedEntriesAreSkippedAndCountedWithoutLosingTheRest() {
        Map<String, String> health = new LinkedHashMap<>();
        health.put("celery.queue_depths", "{\"ok\": 3, \"negative\": -1, \"text\": \"many\", \"\": 2}");
        health.put("rq.queue_depths", "not json");
        health.put(".queue_depths", "{\"x\": 1}");
        assertThat(depths.report(project.id(), health)).isEqualTo(1);
        assertThat(rejected()).isEqualTo(5.0);
        assertThat(gauge("celery", "ok")).isEqualTo(3.0);
    }

    @Test
    void aReportHoldsAtMost1024QueuesAndAProjectAtMost1024Gauges() {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 1100; i++) {
            many.append(i == 0 ? "" : ",").append("\"q").append(String.format("%04d", i)).append("\": ").append(i);
        }
        many.append('}');
        assertThat(depths.report(project.id(), Map.of("celery.queue_depths", many.toString()))).isEqualTo(1024);
        assertThat(depths.report(project.id(), Map.of("rq.queue_depths", "{\"extra\": 1}"))).isEqualTo(1);
        assertThat(meters.find("z4j_queue_depth").gauges()).hasSize(1024);
        assertThat(depths.flush()).as("depths past the gauge cap are still stored").isEqualTo(1025);
    }
}
