package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brain whose port is taken fails to start with a message naming the address and the setting,
 * and leaves nothing behind: no z4j threads (persister, LISTEN, timers, Hikari's housekeeper), no
 * pooled connection and no LISTEN connection open on PostgreSQL.
 */
class StartCleanupTest {
    @TempDir
    Path home;

    @Test
    void aTakenPortFailsTheStartClearlyAndLeavesNothingOpen() throws Exception {
        Map<String, String> env = BrainFixture.baseEnv(BrainFixture.Db.POSTGRES, home);
        Set<Long> z4jThreadsBefore = z4jThreads();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            env.put("Z4J_BIND_PORT", String.valueOf(taken.getLocalPort()));

            BrainStartException e = catchThrowableOfType(BrainStartException.class,
                    () -> Brain.start(BrainConfig.fromEnv(env)));

            assertThat(e).as("start must fail while the port is taken").isNotNull();
            assertThat(e.getMessage()).contains("127.0.0.1:" + taken.getLocalPort()).contains("Z4J_BIND_PORT");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(leftoverThreadNames(z4jThreadsBefore)).as("z4j threads left running").isEmpty();
            assertThat(backendsOn(env)).as("connections left open on the brain's database").isZero();
        });
    }

    @Test
    void aTakenAgentPortFailsTheStartNamingItsSettingAndLeavesNothingOpen() throws Exception {
        Map<String, String> env = BrainFixture.baseEnv(BrainFixture.Db.SQLITE, home);
        Set<Long> z4jThreadsBefore = z4jThreads();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            env.put("Z4J_AGENT_PORT", String.valueOf(taken.getLocalPort()));

            BrainStartException e = catchThrowableOfType(BrainStartException.class,
                    () -> Brain.start(BrainConfig.fromEnv(env)));

            assertThat(e).as("start must fail while the agent port is taken").isNotNull();
            assertThat(e.getMessage()).contains("127.0.0.1:" + taken.getLocalPort()).contains("Z4J_AGENT_PORT");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(leftoverThreadNames(z4jThreadsBefore)).as("z4j threads left running").isEmpty());
        env.put("Z4J_BIND_PORT", "7790");
        env.put("Z4J_AGENT_PORT", "7790");
        assertThatThrownBy(() -> BrainConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
                .hasMessage("Z4J_AGENT_PORT must differ from Z4J_BIND_PORT (7790): the agent port is a listener of its own");
        env.put("Z4J_AGENT_PORT", "70000");
        assertThatThrownBy(() -> BrainConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
                .hasMessage("Z4J_AGENT_PORT must be between 0 and 65535, was 70000");
    }

    private static Set<Long> z4jThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("z4j-"))
                .map(Thread::threadId)
                .collect(Collectors.toSet());
    }

    private static Set<String> leftoverThreadNames(Set<Long> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("z4j-") && !before.contains(t.threadId()))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    /** Backends connected to the brain's database, other than this query's own connection. */
    private static long backendsOn(Map<String, String> env) throws Exception {
        try (Connection c = BrainFixture.jdbc(env);
             var s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND pid <> pg_backend_pid()");
             var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
