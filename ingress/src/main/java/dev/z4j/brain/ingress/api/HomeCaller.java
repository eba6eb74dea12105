package dev.z4j.brain.ingress.api;

import java.util.List;
import java.util.UUID;

/**
 * Who calls the cross-project home endpoints: the projects the caller may see (with its role in
 * each, null for a global admin without a membership), whether that is every project (a global
 * admin), and the user shown back (null for credentials that are no user).
 */
public record HomeCaller(User user, boolean seesEveryProject, List<VisibleProject> projects) {
    public HomeCaller {
        projects = List.copyOf(projects);
    }

    /** The user as the home summary shows it. */
    public record User(UUID id, String email, String displayName, boolean admin) {}

    /** A project the caller may see; {@code environment} as the project row has it. */
    public record VisibleProject(UUID id, String slug, String name, String environment, Role role) {}
}
