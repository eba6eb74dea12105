package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Directory;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Who calls a project's endpoint, as the authentication layer resolved it before the handler runs:
 * the project (the caller is a member of it, or a global admin), the caller's role in it, and the
 * user id (null for credentials that are no user, such as admin keys). Handlers never authenticate;
 * they only check the role each endpoint needs with {@link #require}.
 */
public record ProjectCaller(Directory.Project project, Role role, UUID userId) {
    public ProjectCaller {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(role, "role");
    }

    /** 403 when the role is below {@code need}. */
    public void require(Role need) throws ApiProblem {
        if (!role.atLeast(need)) {
            throw new ApiProblem(403, "forbidden", "role '" + role.wire() + "' is not sufficient (need at least '"
                    + need.wire() + "')", Map.of("have", role.wire(), "need", need.wire()));
        }
    }
}
