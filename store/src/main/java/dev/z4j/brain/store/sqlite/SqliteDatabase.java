package dev.z4j.brain.store.sqlite;

import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.StoreException;

/** Placeholder until the Sqlite implementation lands (issue 3). */
public final class SqliteDatabase {
    private SqliteDatabase() {}

    public static Database open(DatabaseConfig config) throws StoreException {
        throw new StoreException("Sqlite store not built yet", false, null);
    }
}
