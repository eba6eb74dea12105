package dev.z4j.brain.ops;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.postgres.PostgresDatabase;
import dev.z4j.brain.store.postgres.ReadGate;
import dev.z4j.brain.store.postgres.ReadRouting;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Where the operator reads go, for /metrics: the read slots of the primary (PostgreSQL) and, with
 * Z4J_DATABASE_READ_URL, the read replica.
 */
final class OperatorReadMetrics {
    private OperatorReadMetrics() {}

    static void bind(Database db, MeterRegistry registry) {
        if (db instanceof PostgresDatabase pg) {
            bind(pg.readGate(), registry);
            bindRecounts(pg.recountGate(), registry);
            pg.readRouting().ifPresent(routing -> bind(routing, registry));
        }
    }

    static void bind(ReadGate gate, MeterRegistry registry) {
        Gauge.builder("z4j_db_reads_in_flight", gate, ReadGate::inFlight)
                .description("Operator reads running on the primary now, background recounts included (at most Z4J_DB_READS)")
                .register(registry);
        Gauge.builder("z4j_db_reads_waiting", gate, ReadGate::waiting)
                .description("Operator reads waiting for one of the Z4J_DB_READS slots on the primary").register(registry);
        FunctionCounter.builder("z4j_db_reads_refused_total", gate, ReadGate::refused)
                .description("Operator reads answered database busy (503), or background recounts given up, because no "
                        + "read slot came free in time")
                .register(registry);
    }

    static void bindRecounts(ReadGate gate, MeterRegistry registry) {
        Gauge.builder("z4j_db_recounts_in_flight", gate, ReadGate::inFlight)
                .description("Background recounts of large projects' counts running on the primary now (at most one, "
                        + "so the other Z4J_DB_READS slots stay the requests')").register(registry);
        FunctionCounter.builder("z4j_db_recounts_refused_total", gate, ReadGate::refused)
                .description("Background recounts given up because the recount slot stayed taken "
                        + "(the last count is answered until a later one)").register(registry);
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
