package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.z4j.brain.store.Directory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token cache: bounded, forgets revoked agents at once, never resurrects them, expires. */
class TokenCacheTest {
    private final AtomicLong clock = new AtomicLong();
    private final UUID project = UUID.randomUUID();

    private Directory.Agent agent(String name) {
        return new Directory.Agent(UUID.randomUUID(), project, name, false);
    }

    @Test
    void keepsAtMostItsCapacityAndDropsTheLeastRecentlyUsed() {
        TokenCache cache = new TokenCache(2, Duration.ofMinutes(1), clock::get);
        Directory.Agent a = agent("a");
        Directory.Agent b = agent("b");
        Directory.Agent c = agent("c");
        cache.put("ha", a, cache.epoch());
        cache.put("hb", b, cache.epoch());
        assertThat(cache.get("ha")).isEqualTo(a); // a is now the most recently used
        cache.put("hc", c, cache.epoch());

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("hb")).isNull();
        assertThat(cache.get("ha")).isEqualTo(a);
        assertThat(cache.get("hc")).isEqualTo(c);
    }

    @Test
    void forgetDropsEveryTokenOfTheRevokedAgentAndNoOther() {
        TokenCache cache = new TokenCache(10, Duration.ofMinutes(1), clock::get);
        Directory.Agent doomed = agent("doomed");
        Directory.Agent other = agent("other");
        cache.put("h1", doomed, cache.epoch());
        cache.put("h2", doomed, cache.epoch()); // the same agent under a previous secret's hash
        cache.put("h3", other, cache.epoch());

        cache.forget(doomed.id());

        assertThat(cache.get("h1")).isNull();
        assertThat(cache.get("h2")).isNull();
        assertThat(cache.get("h3")).isEqualTo(other);
    }

    @Test
    void aLookupThatStartedBeforeARevocationDoesNotPutTheAgentBack() {
        TokenCache cache = new TokenCache(10, Duration.ofMinutes(1), clock::get);
        Directory.Agent agent = agent("racing");
        long before = cache.epoch();   // the lookup starts and finds the agent ...
        cache.forget(agent.id());      // ... which is deleted before the lookup returns

        cache.put("h", agent, before);

        assertThat(cache.get("h")).isNull();
    }

    @Test
    void entriesExpireAfterTheirTimeToLive() {
        TokenCache cache = new TokenCache(10, Duration.ofSeconds(60), clock::get);
        Directory.Agent a = agent("a");
        cache.put("h", a, cache.epoch());
        clock.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(cache.get("h")).isEqualTo(a);
        clock.addAndGet(1);
        assertThat(cache.get("h")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void revokedAgentsAreNeverCachedAndCapacityZeroCachesNothing() {
        TokenCache cache = new TokenCache(10, Duration.ofMinutes(1), clock::get);
        cache.put("h", new Directory.Agent(UUID.randomUUID(), project, "r", true), cache.epoch());
        assertThat(cache.get("h")).isNull();

        TokenCache off = new TokenCache(0, Duration.ofMinutes(1), clock::get);
        off.put("h", agent("a"), off.epoch());
        assertThat(off.get("h")).isNull();
        assertThat(off.size()).isZero();
    }
}
