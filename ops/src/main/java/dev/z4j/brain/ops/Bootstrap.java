package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.Credentials;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.util.Optional;

/**
 * A fresh database gets project {@code default} from whichever command touches it first (server or
 * CLI), so {@code agents create --project default} works before the server ever ran. The first
 * admin key is made only by the server, which is the one place that prints it.
 */
final class Bootstrap {
    static final String DEFAULT_PROJECT = "default";

    private Bootstrap() {}

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

    /** Server start: project {@code default}, and one admin key if there is none (the caller prints it once). */
    static Optional<String> firstStart(Directory directory, byte[] master) throws StoreException {
        ensureDefaultProject(directory);
        if (directory.adminKeyCount() > 0) {
            return Optional.empty();
        }
        String key = Credentials.newAdminKey();
        directory.createAdminKey("bootstrap", Credentials.adminKeyHash(master, key));
        return Optional.of(key);
    }
}
