package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.api.Emails;
import dev.z4j.brain.ingress.api.FirstRun;
import dev.z4j.brain.ingress.api.OperatorApi;
import dev.z4j.brain.ingress.api.Scopes;
import dev.z4j.brain.ingress.api.Tokens;
import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.ApiKeys;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * A fresh database gets project {@code default} from whichever command touches it first (server or
 * CLI), so {@code agents create --project default} works before the server ever ran. The server's
 * first start also makes the first admin from {@code Z4J_BOOTSTRAP_ADMIN_*} (or, without it, a
 * one-time setup token) and one {@code admin:*} API key, which it prints once.
 */
final class Bootstrap {
    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());
    static final String DEFAULT_PROJECT = FirstRun.DEFAULT_PROJECT;

    private Bootstrap() {}

    /** What the first start made: the installation key and/or the setup token (each shown once). */
    record FirstStart(Optional<String> adminKey, Optional<String> setupToken) {}

    /** @return true if project {@code default} was created now */
    static boolean ensureDefaultProject(Directory directory) throws StoreException {
        if (directory.projectBySlug(DEFAULT_PROJECT).isPresent()) {
            return false;
        }
        try {
            directory.createProject(DEFAULT_PROJECT, "Default");
            return true;
        } catch (StoreException e) {
            if (e.conflict()) {
                return false; // another replica or CLI run created it a moment ago
            }
            throw e;
        }
    }

    static FirstStart firstStart(Database db, OperatorApi operator, BrainConfig config, Instant now)
            throws StoreException {
        ensureDefaultProject(db.directory());
        FirstRun firstRun = operator.firstRun();
        Optional<String> setupToken = Optional.empty();
        if (firstRun.firstBoot()) {
            bootstrapAdmin(operator, config.bootstrapAdmin(), now);
            if (firstRun.firstBoot()) {
                setupToken = Optional.of(firstRun.newSetupToken(now, config.operator().setupTokenTtl()));
            }
        }
        Optional<String> key = Optional.empty();
        if (db.access().apiKeys().count() == 0) {
            key = Optional.of(newAdminKey(db, config.secretBytes(), "bootstrap", now));
        }
        return new FirstStart(key, setupToken);
    }

    /** The first admin from the environment; a bad email or a weak password falls back to the setup token. */
    private static void bootstrapAdmin(OperatorApi operator, BrainConfig.BootstrapAdmin admin, Instant now)
            throws StoreException {
        if (admin == null) {
            return;
        }
        String email = Emails.normalise(admin.email());
        if (email == null) {
            LOG.warning("Z4J_BOOTSTRAP_ADMIN_EMAIL is not a valid email address; use the setup token instead");
            return;
        }
        String problem = operator.policy().problem(admin.password());
        if (problem != null) {
            LOG.warning("Z4J_BOOTSTRAP_ADMIN_PASSWORD " + problem + "; use the setup token instead");
            return;
        }
        operator.firstRun().createAdmin(email, operator.passwords().hash(admin.password()), admin.displayName(), now)
                .ifPresent(a -> LOG.info("created admin " + email + " from Z4J_BOOTSTRAP_ADMIN_EMAIL"));
    }

    /**
     * An {@code admin:*} key for automation, owned by the first active admin, or ownerless while no
     * user exists (the first admin adopts it). Returns the token, to be shown once.
     */
    static String newAdminKey(Database db, byte[] master, String name, Instant now) throws StoreException {
        UUID owner = db.access().accounts().users(500, 0).stream()
                .filter(u -> u.admin() && u.active()).map(Accounts.User::id).findFirst().orElse(null);
        String token = Tokens.newApiKey();
        db.access().apiKeys().create(new ApiKeys.NewApiKey(owner, name, token.substring(0, 8),
                new Tokens(master).apiKeyHash(token), List.of(Scopes.ALL), null, null), now);
        return token;
    }
}
