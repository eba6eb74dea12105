package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.ApiKeys;
import dev.z4j.brain.store.Sessions;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who is calling, per request: a live session cookie wins; else a Bearer API key; else nobody.
 * A session is dead when revoked, past its absolute lifetime, idle too long (not for remember-me),
 * issued before the user's last password change, or its user is inactive or gone.
 */
public final class Authenticator {
    /** last_seen_at is written at most this often per session (the idle timeout is in minutes). */
    static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
    static final Duration KEY_TOUCH_EVERY = Duration.ofMinutes(1);

    private final Access access;
    private final Tokens tokens;
    private final OperatorConfig config;
    private final Cookies cookies;
    private final Clock clock;

    public Authenticator(Access access, Tokens tokens, OperatorConfig config, Clock clock) {
        this.access = access;
        this.tokens = tokens;
        this.config = config;
        this.cookies = new Cookies(config);
        this.clock = clock;
    }

    public Caller resolve(Headers headers, String ip) throws ApiError, StoreException {
        Optional<Caller> session = session(headers);
        if (session.isPresent()) {
            return session.get();
        }
        return key(headers, ip);
    }

    /** The caller of a live session cookie (the dashboard socket uses only this). */
    public Optional<Caller> session(Headers headers) throws StoreException {
        Optional<String> value = cookies.session(headers);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Optional<Sessions.Session> row = access.sessions().byTokenHash(tokens.sessionHash(value.get()));
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Sessions.Session s = row.get();
        Instant now = clock.instant();
        if (s.revokedAt() != null || !now.isBefore(s.expiresAt())
                || (!s.rememberMe() && Duration.between(s.lastSeenAt(), now).compareTo(config.idleTimeout()) > 0)) {
            return Optional.empty();
        }
        Optional<Accounts.User> user = access.accounts().userById(s.userId());
        if (user.isEmpty() || !user.get().active()
                || (user.get().passwordChangedAt() != null && s.issuedAt().isBefore(user.get().passwordChangedAt()))) {
            return Optional.empty();
        }
        if (Duration.between(s.lastSeenAt(), now).compareTo(TOUCH_EVERY) > 0) {
            access.sessions().touch(s.id(), now);
        }
        return Optional.of(new Caller(Caller.Kind.SESSION, user.get(), s, null));
    }

    private Caller key(Headers headers, String ip) throws ApiError, StoreException {
        String token = bearer(headers.first(HeaderNames.AUTHORIZATION).orElse(null));
        String hash = token == null ? null : tokens.apiKeyHash(token);
        if (hash == null) {
            return Caller.ANONYMOUS;
        }
        Optional<ApiKeys.ApiKey> row = access.apiKeys().byHash(hash);
        if (row.isEmpty()) {
            return Caller.ANONYMOUS;
        }
        ApiKeys.ApiKey key = row.get();
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            throw ApiError.unauthenticated("api key revoked", "revoked");
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            throw ApiError.unauthenticated("api key expired", "expired");
        }
        Accounts.User owner = null;
        if (key.userId() != null) {
            owner = access.accounts().userById(key.userId()).filter(Accounts.User::active)
                    .orElseThrow(() -> ApiError.unauthenticated("api key owner inactive", "owner_inactive"));
        }
        if (key.lastUsedAt() == null || Duration.between(key.lastUsedAt(), now).compareTo(KEY_TOUCH_EVERY) > 0) {
            access.apiKeys().touchUsed(key.id(), now, ip, KEY_TOUCH_EVERY);
        }
        return new Caller(Caller.Kind.API_KEY, owner, null, key);
    }

    /** {@code Bearer <token>}, scheme case-insensitive; anything else is no credential. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isBlank()) {
            return null;
        }
        return parts[1].strip();
    }
}
