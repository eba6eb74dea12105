package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Projects as operators see and edit them (the agent gateway only needs {@link Directory}). */
public interface Projects {

    record ProjectRecord(UUID id, String slug, String name, String description, String environment, String timezone,
                         int retentionDays, boolean active, String defaultSchedulerOwner,
                         String allowedSchedulersJson, Instant createdAt, Instant updatedAt) {}

    /** Active projects, by name, at most {@code limit}. */
    List<ProjectRecord> active(int limit) throws StoreException;

    /** Active projects the user is a member of, by name. */
    List<ProjectRecord> activeOfMember(UUID userId, int limit) throws StoreException;

    Optional<ProjectRecord> bySlug(String slug) throws StoreException;

    Optional<ProjectRecord> byId(UUID id) throws StoreException;

    /** Inserts {@code project} (its id and times are used as given); a taken slug is a conflict. */
    ProjectRecord create(ProjectRecord project) throws StoreException;

    /** Writes every editable field of {@code project}; a taken slug is a conflict. */
    ProjectRecord update(ProjectRecord project, Instant now) throws StoreException;
}
