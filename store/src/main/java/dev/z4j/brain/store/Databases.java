package dev.z4j.brain.store;

import dev.z4j.brain.store.postgres.PostgresDatabase;
import dev.z4j.brain.store.sqlite.SqliteDatabase;

/** Opens the database the configuration names. */
public final class Databases {
    private Databases() {}

    public static Database open(DatabaseConfig config) throws StoreException {
        return config.isPostgres() ? PostgresDatabase.open(config) : SqliteDatabase.open(config);
    }
}
