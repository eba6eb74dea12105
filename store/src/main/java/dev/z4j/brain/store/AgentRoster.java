package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A project's agents as operators see them: list, look up, delete. */
public interface AgentRoster {

    record AgentRecord(UUID id, UUID projectId, String name, String state, String protocolVersion,
                       String frameworkAdapter, String engineAdaptersJson, String schedulerAdaptersJson,
                       String capabilitiesJson, String metadataJson, Instant lastSeenAt, Instant lastConnectAt,
                       Instant createdAt) {}

    /** Newest first. */
    List<AgentRecord> ofProject(UUID projectId, int limit) throws StoreException;

    Optional<AgentRecord> get(UUID projectId, UUID agentId) throws StoreException;

    /** Hard delete (its connection slots go with it; events and commands keep their history). */
    boolean delete(UUID projectId, UUID agentId) throws StoreException;
}
