package dev.z4j.brain.ingress.api;

import java.util.Map;

/**
 * Where successful operator actions are recorded (the audit log lives in the route layer, which
 * knows the request id, source IP and credential): {@code command.issue.<action>} and
 * {@code tasks.bulk_delete}, with the original's metadata.
 */
@FunctionalInterface
public interface AuditTrail {
    AuditTrail NONE = (caller, action, targetType, targetId, metadata) -> {};

    void record(ProjectCaller caller, String action, String targetType, String targetId, Map<String, Object> metadata);
}
