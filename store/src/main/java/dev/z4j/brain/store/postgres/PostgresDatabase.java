package dev.z4j.brain.store.postgres;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.StoreException;

/** Placeholder until the Postgres implementation lands (issue 3). */
public final class PostgresDatabase {
    private PostgresDatabase() {}

    public static Database open(DatabaseConfig config) throws StoreException {
        throw new StoreException("Postgres store not built yet", false, null);
    }
}
