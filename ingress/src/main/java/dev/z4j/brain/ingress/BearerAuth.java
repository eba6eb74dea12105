package dev.z4j.brain.ingress;

import dev.z4j.brain.protocol.Secrets;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Agent bearer authentication (docs/PROTOCOL.md 1.2): strip, split once on whitespace, scheme
 * "bearer" case-insensitively, then look the HMAC hash up under the current secret and each
 * previous one; the first match wins. Revoked agents do not authenticate.
 *
 * <p>Built for connect storms (a replica restart brings every worker back within seconds): agents
 * found recently come from a {@link TokenCache} (dropped on revocation), sockets presenting the
 * same token at the same moment share one lookup, and at most {@link LookupGate#limit()} lookups
 * run against the database at once; the rest wait their turn.
 */
public final class BearerAuth {
    private final Directory directory;
    private final List<byte[]> secrets = new ArrayList<>();
    private final TokenCache cache;
    private final LookupGate gate;
    /** Lookups running now, by token hash under the current secret; later askers wait for them. */
    private final ConcurrentMap<String, CompletableFuture<Result>> running = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder lookups = new LongAdder();

    BearerAuth(Directory directory, byte[] masterSecret, List<byte[]> previousSecrets, TokenCache cache,
               LookupGate gate) {
        this.directory = directory;
        secrets.add(masterSecret);
        secrets.addAll(previousSecrets);
        this.cache = cache;
        this.gate = gate;
    }

    /** The outcome: an agent, or the bounded reason it was refused. */
    public record Result(Directory.Agent agent, String failure) {
        static Result ok(Directory.Agent a) {
            return new Result(a, null);
        }

        static Result fail(String reason) {
            return new Result(null, reason);
        }
    }

    public Result authenticate(Optional<String> header) {
        String token = parseToken(header.orElse(null));
        if (token == null) {
            return Result.fail(header.isPresent() ? "malformed" : "missing");
        }
        String key = Secrets.tokenHash(secrets.get(0), token);
        Directory.Agent cached = cache.get(key);
        if (cached != null) {
            hits.increment();
            return Result.ok(cached);
        }
        CompletableFuture<Result> mine = new CompletableFuture<>();
        CompletableFuture<Result> other = running.putIfAbsent(key, mine);
        if (other != null) {
            return other.join(); // the same token is being looked up right now: share its answer
        }
        Result r;
        try {
            long epoch = cache.epoch();
            r = gate.run(() -> lookup(key, token));
            if (r.agent() != null) {
                cache.put(key, r.agent(), epoch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping
            r = Result.fail("store_unavailable");
        } catch (RuntimeException e) {
            r = Result.fail("store_unavailable");
        } finally {
            running.remove(key, mine);
        }
        mine.complete(r);
        return r;
    }

    private Result lookup(String currentKey, String token) {
        lookups.increment();
        try {
            for (int i = 0; i < secrets.size(); i++) {
                String hash = i == 0 ? currentKey : Secrets.tokenHash(secrets.get(i), token);
                Optional<Directory.Agent> agent = directory.agentByTokenHash(hash);
                if (agent.isPresent()) {
                    return agent.get().revoked() ? Result.fail("revoked") : Result.ok(agent.get());
                }
            }
            return Result.fail("unknown");
        } catch (StoreException e) {
            return Result.fail("store_unavailable");
        }
    }

    /** The agent was deleted (here or on another replica): its tokens must be looked up again. */
    void forget(UUID agentId) {
        cache.forget(agentId);
    }

    /** Database lookups made since start (a cache hit or a shared lookup makes none). */
    long lookups() {
        return lookups.sum();
    }

    /** Upgrades answered from the cache since start. */
    long cacheHits() {
        return hits.sum();
    }

    LookupGate gate() {
        return gate;
    }

    TokenCache cache() {
        return cache;
    }

    /** @return the token, or null when the header is not {@code Bearer <token>} */
    static String parseToken(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer")) {
            return null;
        }
        String token = parts[1].strip();
        return token.isEmpty() ? null : token;
    }
}
