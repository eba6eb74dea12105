package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Server-side login sessions; the cookie carries a random value whose hash finds the row. */
public interface Sessions {

    record Session(UUID id, UUID userId, String csrfToken, boolean rememberMe, Instant issuedAt, Instant expiresAt,
                   Instant lastSeenAt, Instant revokedAt, String ipAtIssue, String userAgentAtIssue) {}

    record NewSession(UUID userId, String tokenHash, String csrfToken, boolean rememberMe, Instant expiresAt,
                      String ip, String userAgent) {}

    Session create(NewSession session, Instant now) throws StoreException;

    Optional<Session> byTokenHash(String tokenHash) throws StoreException;

    /** Moves last_seen_at forward to {@code now}. */
    void touch(UUID sessionId, Instant now) throws StoreException;

    /** False when it was already revoked or does not belong to {@code userId}. */
    boolean revoke(UUID sessionId, UUID userId, Instant now) throws StoreException;

    int revokeAllOfUser(UUID userId, Instant now) throws StoreException;

    /** Unrevoked, unexpired sessions of the user, newest first. */
    List<Session> liveOfUser(UUID userId, Instant now) throws StoreException;
}
