package dev.z4j.brain.ops;

/** {@link RoleMatrix} on SQLite. */
class RoleMatrixTest extends RoleMatrix {
    @Override
    BrainFixture.Db db() {
        return BrainFixture.Db.SQLITE;
    }
}
