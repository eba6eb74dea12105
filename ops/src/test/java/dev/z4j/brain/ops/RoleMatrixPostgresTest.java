package dev.z4j.brain.ops;

/** {@link RoleMatrix} on PostgreSQL. */
class RoleMatrixPostgresTest extends RoleMatrix {
    @Override
    BrainFixture.Db db() {
        return BrainFixture.Db.POSTGRES;
    }
}
