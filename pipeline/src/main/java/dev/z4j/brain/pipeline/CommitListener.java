package dev.z4j.brain.pipeline;

import java.util.Map;
import java.util.UUID;

/**
 * Told after a commit how many new events each project got (the dashboard publisher listens here).
 * Called on the writer's persister thread, by several writers at once when there are several:
 * implementations must be thread-safe and must not block. Not called when a commit inserted nothing.
 */
public interface CommitListener {

    CommitListener NO_OP = (projects) -> {};

    /** @param newEventsByProject immutable, non-empty: project id -> rows inserted by this commit */
    void onCommitted(Map<UUID, Integer> newEventsByProject);
}
