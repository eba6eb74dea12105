package dev.z4j.brain.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.z4j.brain.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aFileLockedByAnotherConnectionIsBusyAndAConstraintIsNot() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("locked.db");
        try (Connection holder = DriverManager.getConnection(url); Connection other = DriverManager.getConnection(url);
             Statement h = holder.createStatement(); Statement o = other.createStatement()) {
            h.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
            h.execute("INSERT INTO t VALUES (1)");
            o.execute("PRAGMA busy_timeout = 0");
            h.execute("BEGIN EXCLUSIVE"); // rollback-journal mode: readers are locked out too

            SQLException locked = catchThrowableOfType(SQLException.class, () -> o.executeQuery("SELECT id FROM t").next());
            StoreException busy = SqliteErrors.wrap("read", locked);
            assertThat(busy.busy()).as(locked.getMessage()).isTrue();
            assertThat(busy.transientFailure()).isTrue();

            SQLException duplicate = catchThrowableOfType(SQLException.class, () -> h.execute("INSERT INTO t VALUES (1)"));
            StoreException conflict = SqliteErrors.wrap("write", duplicate);
            assertThat(conflict.busy()).isFalse();
            assertThat(conflict.conflict()).isTrue();
            h.execute("ROLLBACK");
        }
    }
}
