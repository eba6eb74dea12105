package dev.z4j.brain.ops;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import dev.z4j.brain.store.postgres.ReadRouting;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Where the operator reads go, for /metrics; registers nothing without Z4J_DATABASE_READ_URL. */
final class ReadReplicaMetrics {
    private ReadReplicaMetrics() {}

    static void bind(Database db, MeterRegistry registry) {
        if (db instanceof PostgresDatabase pg) {
            pg.readRouting().ifPresent(routing -> bind(routing, registry));
        }
    }

    static void bind(ReadRouting routing, MeterRegistry registry) {
        for (ReadRouting.Reason reason : ReadRouting.Reason.values()) {
            FunctionCounter.builder("z4j_read_replica_fallbacks_total", routing, r -> r.fallbacks(reason))
                    .tag("reason", reason.label)
                    .description("Times operator reads went to the primary instead of the read replica: switches "
                            + "(down, lag, not_standby) and single reads run again there (read_failed)")
                    .register(registry);
        }
        for (ReadRouting.Target target : ReadRouting.Target.values()) {
            FunctionCounter.builder("z4j_read_replica_reads_total", routing, r -> r.served(target))
                    .tag("target", target.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Operator reads that may be served by the read replica, by who answered them")
                    .register(registry);
        }
        Gauge.builder("z4j_read_replica_serving", routing,
                        r -> r.state().target() == ReadRouting.Target.STANDBY ? 1 : 0)
                .description("1 while the read replica serves the operator reads, 0 while the primary does")
                .register(registry);
        Gauge.builder("z4j_read_replica_lag_seconds", routing, r -> r.lagMillis() < 0 ? Double.NaN : r.lagMillis() / 1000.0)
                .description("Replay lag of the read replica at its last check (NaN while it cannot be measured)")
                .register(registry);
    }
}
