package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Personal API keys (Bearer): only a keyed hash of the token is stored. */
public interface ApiKeys {

    /** {@code userId} null = an installation key from before the first user (acts as a global admin). */
    record ApiKey(UUID id, UUID userId, String name, String prefix, List<String> scopes, UUID projectId,
                  String projectSlug, Instant expiresAt, Instant revokedAt, String revokedReason, Instant lastUsedAt,
                  String lastUsedIp, Instant createdAt) {}

    record NewApiKey(UUID userId, String name, String prefix, String keyHash, List<String> scopes, UUID projectId,
                     Instant expiresAt) {}

    ApiKey create(NewApiKey key, Instant now) throws StoreException;

    Optional<ApiKey> byHash(String keyHash) throws StoreException;

    /** The user's keys that are not revoked, newest first. */
    List<ApiKey> liveOfUser(UUID userId) throws StoreException;

    /** Soft revoke of a key the user owns; false when not found, not theirs, or already revoked. */
    boolean revoke(UUID keyId, UUID ownerId, String reason, Instant now) throws StoreException;

    /** Records a use, at most once per {@code every}: the hot path writes rarely. */
    void touchUsed(UUID keyId, Instant now, String ip, java.time.Duration every) throws StoreException;

    long count() throws StoreException;

    /** Gives every ownerless (installation) key to {@code userId}; returns how many. */
    int adoptOwnerless(UUID userId) throws StoreException;
}
