package dev.z4j.brain.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void libpqUrlBecomesJdbcWithDecodedCredentials() {
        PostgresUrl u = PostgresUrl.parse("postgresql://z4j:p%40ss%3Aw+rd@db.example:6543/brain?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/brain?sslmode=require");
        assertThat(u.user()).isEqualTo("z4j");
        assertThat(u.password()).isEqualTo("p@ss:w+rd");
        assertThat(u.toString()).doesNotContain("p@ss");
    }

    @Test
    void jdbcUrlIsKeptAndMayCarryCredentials() {
        assertThat(PostgresUrl.parse("jdbc:postgresql://localhost/brain"))
                .isEqualTo(new PostgresUrl("jdbc:postgresql://localhost/brain", null, null));
        PostgresUrl u = PostgresUrl.parse("jdbc:postgresql://u:pw@localhost:5432/brain");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/brain");
        assertThat(u.user()).isEqualTo("u");
        assertThat(u.password()).isEqualTo("pw");
    }

    @Test
    void badUrlsNameTheSetting() {
        for (String bad : new String[] {"", "mysql://h/db", "postgresql://h", "postgresql:///db", "postgresql://h:/x y"}) {
            assertThatThrownBy(() -> PostgresUrl.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Z4J_DATABASE_URL: ");
        }
    }

    @Test
    void credentialsInTheUrlReachTheServer() throws Exception {
        String url = SharedPostgres.freshDatabaseUrl("creds");
        try (PostgresDatabase admin = SharedPostgres.open(url)) {
            try (var c = admin.dataSource().getConnection(); var s = c.createStatement()) {
                s.execute("CREATE ROLE z4j_reader LOGIN PASSWORD 's3cret'");
            }
        }
        String asReader = url.replace("postgres:postgres@", "z4j_reader:s3cret@");
        try (PostgresDatabase db = SharedPostgres.open(asReader)) {
            assertThat(db.ping()).isTrue();
            assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM (SELECT 1) x WHERE current_user = 'z4j_reader'"))
                    .isOne();
            assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM pg_settings WHERE name = 'TimeZone' AND setting = 'UTC'"))
                    .isOne();
            assertThat(PgEventStoreTest.count(db, "SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'"))
                    .isEqualTo(10_000);
            assertThat(PgEventStoreTest.count(db, "SELECT count(*) FROM pg_settings WHERE name IN "
                    + "('lock_timeout', 'idle_in_transaction_session_timeout') AND setting::bigint > 0")).isEqualTo(2);
        }
    }
}
