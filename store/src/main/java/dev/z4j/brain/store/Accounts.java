package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Operators (users), their project memberships and the one-time setup token. Thread-safe. */
public interface Accounts {

    record User(UUID id, String email, String passwordHash, String firstName, String lastName, String displayName,
                boolean admin, boolean active, String timezone, int failedLogins, Instant lockedUntil,
                Instant passwordChangedAt, Instant lastLoginAt, Instant createdAt, Instant updatedAt) {}

    record NewUser(String email, String passwordHash, String firstName, String lastName, String displayName,
                   boolean admin, String timezone) {}

    /** A membership row with the names callers show next to it. */
    record Membership(UUID id, UUID userId, UUID projectId, String role, Instant createdAt,
                      String projectSlug, String userEmail, String userDisplayName) {}

    record SetupToken(UUID id, Instant expiresAt, Instant consumedAt) {}

    long userCount() throws StoreException;

    /** Refused with a conflict when the email is taken. */
    User createUser(NewUser user, Instant now) throws StoreException;

    /** Creates {@code user} only while there is no user at all (first run); empty if someone was first. */
    Optional<User> createFirstUser(NewUser user, Instant now) throws StoreException;

    Optional<User> userById(UUID id) throws StoreException;

    Optional<User> userByEmail(String normalisedEmail) throws StoreException;

    /** Oldest first. */
    List<User> users(int limit, int offset) throws StoreException;

    /** Writes the profile fields, flags and timezone of {@code user} (not the password, not login state). */
    User updateUser(User user, Instant now) throws StoreException;

    /** Sets the hash; {@code changedAt} also ends every session issued before it. */
    void setPassword(UUID userId, String passwordHash, Instant changedAt) throws StoreException;

    /** Replaces the hash only (a rehash on login with new parameters): sessions live on. */
    void rehashPassword(UUID userId, String passwordHash) throws StoreException;

    /**
     * Counts one failed login. At {@code threshold} failures the account is locked until
     * {@code lockedUntil} and the counter starts again. Returns the count after this failure
     * ({@code threshold} when this failure locked the account).
     */
    int loginFailed(UUID userId, int threshold, Instant lockedUntil) throws StoreException;

    /** Clears failures and lock, records {@code now} as the last login. */
    void loginSucceeded(UUID userId, Instant now) throws StoreException;

    boolean deleteUser(UUID userId) throws StoreException;

    long activeAdminCount() throws StoreException;

    /** The user's memberships on active projects, oldest first. */
    List<Membership> membershipsOfUser(UUID userId) throws StoreException;

    /** A project's members, oldest first. */
    List<Membership> membershipsOfProject(UUID projectId) throws StoreException;

    Optional<Membership> membership(UUID userId, UUID projectId) throws StoreException;

    Optional<Membership> membershipById(UUID id) throws StoreException;

    /** Refused with a conflict when the user is already a member. */
    Membership addMembership(UUID userId, UUID projectId, String role, Instant now) throws StoreException;

    void setRole(UUID membershipId, String role) throws StoreException;

    boolean removeMembership(UUID membershipId) throws StoreException;

    long projectAdminCount(UUID projectId) throws StoreException;

    /** Removes every earlier setup token and stores this one (only its hash). */
    void replaceSetupToken(String tokenHash, Instant expiresAt, Instant now) throws StoreException;

    Optional<SetupToken> setupToken(String tokenHash) throws StoreException;

    /** True while an unconsumed, unexpired setup token exists. */
    boolean setupTokenActive(Instant now) throws StoreException;

    /** Marks the token used; false if it was already used. */
    boolean consumeSetupToken(UUID id, Instant now) throws StoreException;
}
