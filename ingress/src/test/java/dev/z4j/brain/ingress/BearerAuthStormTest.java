package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.store.Directory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer auth under a connect storm: the database sees one lookup per token, never more than the
 * gate's limit at once, and a revoked agent is not let back in from the cache.
 */
class BearerAuthStormTest {
    private static final byte[] SECRET = "bearer-auth-storm-test-master-secret-0123".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;
    GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aTokenSeenRecentlyIsNotLookedUpAgain() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("cached");
        BearerAuth auth = h.gateway.auth();

        for (int i = 0; i < 5; i++) {
            assertThat(auth.authenticate(Optional.of("Bearer " + agent.token())).agent().id()).isEqualTo(agent.id());
        }

        assertThat(auth.lookups()).isEqualTo(1);
        assertThat(auth.cacheHits()).isEqualTo(4);
    }

    @Test
    void aRevokedAgentIsRefusedAtOnceThoughItsTokenWasCached() throws Exception {
        h = new GatewayHarness(home);
        GatewayHarness.Agent agent = h.newAgent("revoked");
        BearerAuth auth = h.gateway.auth();
        assertThat(auth.authenticate(Optional.of("Bearer " + agent.token())).agent()).isNotNull(); // cached now

        assertThat(h.db.access().agents().delete(h.project, agent.id())).isTrue();
        h.gateway.revoke(agent.id()); // what the delete route and the z4j_revocations NOTIFY call

        BearerAuth.Result again = auth.authenticate(Optional.of("Bearer " + agent.token()));
        assertThat(again.agent()).isNull();
        assertThat(again.failure()).isEqualTo("unknown");
        assertThat(auth.lookups()).isEqualTo(2);
    }

    @Test
    void unknownTokensAreNotCached() throws Exception {
        h = new GatewayHarness(home);
        BearerAuth auth = h.gateway.auth();
        assertThat(auth.authenticate(Optional.of("Bearer nope")).failure()).isEqualTo("unknown");
        assertThat(auth.authenticate(Optional.of("Bearer nope")).failure()).isEqualTo("unknown");
        assertThat(auth.lookups()).isEqualTo(2);
        assertThat(auth.cache().size()).isZero();
    }

    /** 40 sockets of 10 agents at once, lookups held open: 3 at a time, one per token. */
    @Test
    void aStormQueuesOnTheGateAndSocketsOfOneTokenShareALookup() throws Exception {
        Map<String, Directory.Agent> byHash = new ConcurrentHashMap<>();
        List<String> tokens = new ArrayList<>();
        UUID project = UUID.randomUUID();
        for (int i = 0; i < 10; i++) {
            String token = "token-" + i;
            tokens.add(token);
            byHash.put(Secrets.tokenHash(SECRET, token), new Directory.Agent(UUID.randomUUID(), project, "a" + i, false));
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger mostConcurrent = new AtomicInteger();
        Directory directory = (Directory) Proxy.newProxyInstance(Directory.class.getClassLoader(),
                new Class<?>[] {Directory.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("agentByTokenHash")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    calls.incrementAndGet();
                    mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    try {
                        release.await();
                        return Optional.ofNullable(byHash.get((String) args[0]));
                    } finally {
                        concurrent.decrementAndGet();
                    }
                });
        LookupGate gate = new LookupGate(3);
        BearerAuth auth = new BearerAuth(directory, SECRET, List.of(), new TokenCache(100), gate);

        List<Future<BearerAuth.Result>> results = new ArrayList<>();
        try (ExecutorService upgrades = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int socket = 0; socket < 40; socket++) {
                String token = tokens.get(socket % 10);
                results.add(upgrades.submit(() -> auth.authenticate(Optional.of("Bearer " + token))));
            }
            // 3 lookups run, the 7 other tokens wait for the gate, 30 sockets wait for their token's lookup
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.inFlight() == 3 && gate.waiting() == 7);
            release.countDown();
            for (int socket = 0; socket < 40; socket++) {
                BearerAuth.Result r = results.get(socket).get();
                assertThat(r.agent()).isEqualTo(byHash.get(Secrets.tokenHash(SECRET, tokens.get(socket % 10))));
            }
        }
        assertThat(mostConcurrent.get()).isEqualTo(3);
        assertThat(gate.peak()).isEqualTo(3);
        // one database lookup per token: the 30 other sockets shared their token's lookup
        assertThat(calls.get()).isEqualTo(10);
        assertThat(auth.lookups()).isEqualTo(10);
        // a second storm is answered from the cache alone
        for (String token : tokens) {
            assertThat(auth.authenticate(Optional.of("Bearer " + token)).agent()).isNotNull();
        }
        assertThat(auth.lookups()).isEqualTo(10);
    }
}
