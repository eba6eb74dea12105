package dev.z4j.brain.bench;

import dev.z4j.brain.ingress.EventNormalizer;
import dev.z4j.brain.protocol.Json;
import dev.z4j.brain.store.EventRow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Celery-like task events as an agent sends them (300 to 600 bytes of JSON each), parsed with the
 * protocol's own parser so the maps hold the same types ingress hands to the normaliser (Long,
 * String, LinkedHashMap, ArrayList).
 */
final class CeleryEvents {
    static final UUID PROJECT = UUID.fromString("6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f");
    static final UUID AGENT = UUID.fromString("0b7e5f3a-2c1d-4e8f-9a6b-5c4d3e2f1a0b");

    private static final DateTimeFormatter AGENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'").withZone(ZoneOffset.UTC);

    private CeleryEvents() {}

    /** task.received with positional args, kwargs, priority and canvas references. */
    static String receivedJson(String taskId, String rootId, Instant at, long n) {
        return """
                {"id":"%s","kind":"task.received","engine":"celery","task_id":"%s","occurred_at":"%s",\
                "data":{"task_name":"billing.tasks.charge_card","queue":"billing","worker":"celery@worker-3.prod-eu-1",\
                "args":[%d,"card_1PqR7sKx9mZ"],"kwargs":{"amount_cents":%d,"currency":"EUR",\
                "idempotency_key":"ik_%016x","customer_id":"cus_Q8x2Lm4nT"},"priority":"normal","retry_count":0,\
                "parent_task_id":"%s","root_task_id":"%s"}}"""
                .formatted(UUID.randomUUID(), taskId, AGENT_TIME.format(at), n, 1000 + n % 90_000, n, rootId, rootId);
    }

    /** task.started: the worker picked it up. */
    static String startedJson(String taskId, Instant at) {
        return """
                {"id":"%s","kind":"task.started","engine":"celery","task_id":"%s","occurred_at":"%s",\
                "data":{"task_name":"billing.tasks.charge_card","queue":"billing","worker":"celery@worker-3.prod-eu-1",\
                "pid":48213,"hostname":"worker-3.prod-eu-1"}}"""
                .formatted(UUID.randomUUID(), taskId, AGENT_TIME.format(at));
    }

    /** task.succeeded with a runtime and a small structured result. */
    static String succeededJson(String taskId, Instant at, long n) {
        return """
                {"id":"%s","kind":"task.succeeded","engine":"celery","task_id":"%s","occurred_at":"%s",\
                "data":{"task_name":"billing.tasks.charge_card","queue":"billing","worker":"celery@worker-3.prod-eu-1",\
                "runtime_ms":%d,"result":{"charged":true,"charge_id":"ch_%016x","amount_cents":%d,\
                "currency":"EUR","captured_at":"%s","risk_score":%d}}}"""
                .formatted(UUID.randomUUID(), taskId, AGENT_TIME.format(at), 20 + n % 400, n, 1000 + n % 90_000,
                        AGENT_TIME.format(at), n % 100);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return (Map<String, Object>) Json.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code count} normalised rows: whole task lifecycles (received, started, succeeded), a fresh
     * task id per lifecycle drawn from {@code random}, so every call yields ids not stored yet.
     */
    static List<EventRow> rows(int count, SplittableRandom random, Instant receivedAt, UUID project, UUID agent) {
        List<EventRow> rows = new ArrayList<>(count);
        String taskId = null;
        for (int i = 0; i < count; i++) {
            Instant at = receivedAt.minusMillis(500 - i % 3 * 40L); // within the normaliser's clamp
            long n = random.nextLong(1L << 40);
            String json = switch (i % 3) {
                case 0 -> receivedJson(taskId = new UUID(random.nextLong(), random.nextLong()).toString(),
                        "8a6e0804-2bd0-4672-b79d-d97027f9071a", at, n);
                case 1 -> startedJson(taskId, at);
                default -> succeededJson(taskId, at, n);
            };
            rows.add(normalize(parse(json), project, agent, receivedAt));
        }
        return rows;
    }

    static EventRow normalize(Map<String, Object> event, UUID project, UUID agent, Instant receivedAt) {
        try {
            return EventNormalizer.normalize(event, project, agent, receivedAt);
        } catch (EventNormalizer.Rejected e) {
            throw new IllegalStateException("fixture event rejected: " + e.reason(), e);
        }
    }
}
