package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.Credentials;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.util.Optional;

/** First start on an empty database: project {@code default} and one admin key, shown once. */
final class Bootstrap {
    static final String DEFAULT_PROJECT = "default";

    private Bootstrap() {}

    /** @return the plaintext admin key if one was created now (the caller prints it once) */
    static Optional<String> firstStart(Directory directory, byte[] master) throws StoreException {
        if (directory.projectBySlug(DEFAULT_PROJECT).isEmpty()) {
            directory.createProject(DEFAULT_PROJECT, "Default");
        }
        if (directory.adminKeyCount() > 0) {
            return Optional.empty();
        }
        String key = Credentials.newAdminKey();
        directory.createAdminKey("bootstrap", Credentials.adminKeyHash(master, key));
        return Optional.of(key);
    }
}
