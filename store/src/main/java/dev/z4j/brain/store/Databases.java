package dev.z4j.brain.store;

import dev.z4j.brain.store.postgres.PostgresDatabase;
import dev.z4j.brain.store.postgres.ReadReplicaConfig;
import dev.z4j.brain.store.sqlite.SqliteDatabase;

/** Opens the database the configuration names. */
public final class Databases {
    private Databases() {}

    public static Database open(DatabaseConfig config) throws StoreException {
        return config.isPostgres() ? PostgresDatabase.open(config) : SqliteDatabase.open(config);
    }

    /** As {@link #open(DatabaseConfig)}, with the operator reads routed to a read replica (PostgreSQL only). */
    public static Database open(DatabaseConfig config, ReadReplicaConfig replica) throws StoreException {
        if (replica == null) {
            return open(config);
        }
        if (!config.isPostgres()) {
            throw new IllegalArgumentException(ReadReplicaConfig.URL_SETTING + " needs Z4J_DATABASE_URL (PostgreSQL)");
        }
        return PostgresDatabase.open(config, PostgresDatabase.DEFAULT_CONNECTION_TIMEOUT, replica);
    }
}
