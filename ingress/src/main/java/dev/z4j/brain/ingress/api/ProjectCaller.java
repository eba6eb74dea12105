package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.Directory;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Who calls a project's endpoint, as the route table resolved it before the handler runs: the
 * project (the caller is a member of it, or a global admin), the caller's role in it, the user id
 * (null for credentials that are no user, such as the installation key), and the request itself
 * (for the audit row's address, key and time; null when a handler is called outside HTTP, as in
 * unit tests). Handlers never authenticate; they only check the role each endpoint needs with
 * {@link #require} (the route table has checked the route's least role already).
 */
public record ProjectCaller(Directory.Project project, Role role, UUID userId, Call call) {
    public ProjectCaller {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(role, "role");
    }

    /** A caller outside an HTTP request. */
    public ProjectCaller(Directory.Project project, Role role, UUID userId) {
        this(project, role, userId, null);
    }

    /** 403 when the role is below {@code need}. */
    public void require(Role need) throws ApiProblem {
        if (!role.atLeast(need)) {
            throw new ApiProblem(403, "forbidden", "role '" + role.wire() + "' is not sufficient (need at least '"
                    + need.wire() + "')", Map.of("have", role.wire(), "need", need.wire()));
        }
    }
}
