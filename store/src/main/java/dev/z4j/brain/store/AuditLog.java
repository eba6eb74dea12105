package dev.z4j.brain.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Who did what, from where, with which result: one row per mutation and per login attempt. */
public interface AuditLog {

    record Entry(UUID id, UUID projectId, UUID userId, UUID apiKeyId, String action, String targetType,
                 String targetId, String result, String outcome, UUID eventId, String metadataJson, String sourceIp,
                 String userAgent, Instant occurredAt) {}

    /**
     * A page query: newest first by (occurred_at, id); {@code afterAt}/{@code afterId} = the last
     * row of the previous page (both null for the first page). Null filters do not filter.
     */
    record Query(UUID projectId, String actionPrefix, String outcome, UUID userId, Instant since,
                 Instant afterAt, UUID afterId, int limit) {}

    void record(Entry entry) throws StoreException;

    List<Entry> list(Query query) throws StoreException;

    /** Rows of {@code action} with {@code result} from {@code sourceIp} since {@code since}. */
    long countFrom(String action, String result, String sourceIp, Instant since) throws StoreException;
}
