package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Access;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.Projects;
import dev.z4j.brain.store.StoreException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The way out of "no user yet": the first admin, made from the environment at start or by the
 * one-time setup token, gets project {@code default} as admin and adopts the installation keys.
 */
public final class FirstRun {
    public static final String DEFAULT_PROJECT = "default";

    private final Access access;
    private final Tokens tokens;

    public FirstRun(Access access, Tokens tokens) {
        this.access = access;
        this.tokens = tokens;
    }

    public boolean firstBoot() throws StoreException {
        return access.accounts().userCount() == 0;
    }

    /** Creates the first admin; empty when someone else already exists. */
    public Optional<Admin> createAdmin(String email, String passwordHash, String displayName, Instant now)
            throws StoreException {
        Optional<Accounts.User> user = access.accounts().createFirstUser(
                new Accounts.NewUser(email, passwordHash, null, null, displayName, true, "UTC"), now);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        Projects.ProjectRecord project = defaultProject(now);
        access.accounts().addMembership(user.get().id(), project.id(), "admin", now);
        access.apiKeys().adoptOwnerless(user.get().id());
        return Optional.of(new Admin(user.get(), project));
    }

    public record Admin(Accounts.User user, Projects.ProjectRecord project) {}

    private Projects.ProjectRecord defaultProject(Instant now) throws StoreException {
        Optional<Projects.ProjectRecord> p = access.projects().bySlug(DEFAULT_PROJECT);
        if (p.isPresent()) {
            return p.get();
        }
        try {
            return access.projects().create(new Projects.ProjectRecord(UUID.randomUUID(), DEFAULT_PROJECT, "Default",
                    null, "production", "UTC", 30, true, "z4j-scheduler", null, now, now));
        } catch (StoreException e) {
            if (e.conflict()) {
                return access.projects().bySlug(DEFAULT_PROJECT).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** Replaces any earlier setup token with a new one (stored as a hash) and returns the plaintext. */
    public String newSetupToken(Instant now, java.time.Duration ttl) throws StoreException {
        String token = Tokens.random();
        access.accounts().replaceSetupToken(tokens.setupHash(token), now.plus(ttl), now);
        return token;
    }
}
