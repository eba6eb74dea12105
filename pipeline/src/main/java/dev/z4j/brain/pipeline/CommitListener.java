package dev.z4j.brain.pipeline;

import java.util.Set;
import java.util.UUID;

/**
 * Told after a commit which projects got new events (the dashboard hub subscribes here). Called on
 * the persister thread: implementations must not block. Not called when a commit inserted nothing.
 */
public interface CommitListener {

    CommitListener NO_OP = (projects) -> {};

    /** @param projectsWithNewEvents immutable, non-empty set of project ids with inserted rows */
    void onCommitted(Set<UUID> projectsWithNewEvents);
}
