package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.CommandStoreContract;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.StoreException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCommandStoreTest extends CommandStoreContract {
    @TempDir
    static Path home;
    private static Database db;

    @BeforeAll
    static void setUp() throws Exception {
        db = SqliteFixture.open(home, 5_000);
        db.migrate();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Override
    protected Database db() {
        return db;
    }

    @Test
    void listenNotifyIsPostgresOnly() {
        assertThatThrownBy(db::dedicatedConnection)
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e).hasMessage("LISTEN/NOTIFY needs PostgreSQL");
                });
        assertThatCode(() -> db.notify("z4j_dashboard", "{}")).doesNotThrowAnyException();
    }
}
