package dev.z4j.brain.ingress.api;

import dev.z4j.brain.store.AuditLog;
import dev.z4j.brain.store.StoreException;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records who did what to which target, from where and with which result. Every route that changes
 * something calls it once, after the change (or the refusal) is known; logins call it for each
 * attempt. A failure to record is logged, never hides the outcome of the action itself.
 */
public final class Audit {
    private static final Logger LOG = Logger.getLogger(Audit.class.getName());
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";

    private final AuditLog log;

    public Audit(AuditLog log) {
        this.log = log;
    }

    /** A change the caller made, in the call's project (if any). */
    public void success(Call call, String action, String targetType, Object targetId, Map<String, ?> metadata) {
        record(call, call.project == null ? null : call.project.id(), action, targetType, targetId, SUCCESS, "allow",
                metadata);
    }

    /** A refused or failed attempt. */
    public void failure(Call call, String action, String targetType, Object targetId, Map<String, ?> metadata) {
        record(call, call.project == null ? null : call.project.id(), action, targetType, targetId, FAILURE, "deny",
                metadata);
    }

    public void record(Call call, UUID projectId, String action, String targetType, Object targetId, String result,
                       String outcome, Map<String, ?> metadata) {
        record(projectId, call.caller.userId(), call.caller.keyId(), action, targetType, targetId, result, outcome,
                metadata, call.ip, call.userAgent(), call);
    }

    /** For callers without a {@link Call} (e.g. a login that has no caller yet). */
    public void record(UUID projectId, UUID userId, UUID apiKeyId, String action, String targetType, Object targetId,
                       String result, String outcome, Map<String, ?> metadata, String ip, String userAgent,
                       Call call) {
        try {
            log.record(new AuditLog.Entry(UUID.randomUUID(), projectId, userId, apiKeyId, action, targetType,
                    targetId == null ? null : clip(targetId.toString(), 200), result, outcome, null,
                    Json.text(metadata == null ? Map.of() : metadata), ip, userAgent, call == null
                            ? java.time.Instant.now() : call.now));
        } catch (StoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "audit row for {0} not recorded: {1}", new Object[] {action, e.getMessage()});
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
