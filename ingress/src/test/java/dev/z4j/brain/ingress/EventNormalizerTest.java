package dev.z4j.brain.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.z4j.brain.store.EventRow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventNormalizerTest {
    private static final UUID PROJECT = UUID.fromString("6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f");
    private static final UUID AGENT = UUID.fromString("0b7e5f3a-2c1d-4e8f-9a6b-5c4d3e2f1a0b");
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:03Z");

    private static Map<String, Object> event(String kind, String taskId, String occurredAt, Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", "8a6e0804-2bd0-4672-b79d-d97027f9071a");
        e.put("kind", kind);
        e.put("engine", "celery");
        e.put("task_id", taskId);
        e.put("occurred_at", occurredAt);
        e.put("data", data);
        return e;
    }

    @Test
    void contentDerivedIdMatchesTheProtocolExample() throws Exception {
        EventRow row = EventNormalizer.normalize(event("task.succeeded", "d3b07384-d9a0-4c9b-8f2e-5b1a2c3d4e5f",
                "2026-05-01T12:00:02.987654+00:00", Map.of("result", 3L)), PROJECT, AGENT, NOW);
        assertThat(row.id()).isEqualTo(UUID.fromString("a758506a-ee16-5c03-a9e8-aa06858e26e9"));
        assertThat(row.task().state()).isEqualTo("success");
        assertThat(row.task().resultJson()).isEqualTo("3");
    }

    @Test
    void sameTaskEventFromTwoAgentsWithinOneSecondCollapses() throws Exception {
        EventRow a = EventNormalizer.normalize(event("task.started", "t1", "2026-05-01T12:00:02.100000+00:00",
                Map.of()), PROJECT, AGENT, NOW);
        EventRow b = EventNormalizer.normalize(event("task.started", "t1", "2026-05-01T12:00:02.900000+00:00",
                Map.of()), PROJECT, UUID.randomUUID(), NOW);
        assertThat(a.id()).isEqualTo(b.id());
    }

    @Test
    void nonTaskEventsUseTheAgentsV4IdElseAContentHashNeverRandom() throws Exception {
        Map<String, Object> e = event("worker.online", "", "2026-05-01T12:00:00+00:00", Map.of("worker", "w1"));
        EventRow viaId = EventNormalizer.normalize(e, PROJECT, AGENT, NOW);
        assertThat(viaId.id()).isEqualTo(EventNormalizer.uuid5(EventNormalizer.NAMESPACE,
                PROJECT + ":8a6e0804-2bd0-4672-b79d-d97027f9071a"));
        e.put("id", "not-a-uuid");
        EventRow first = EventNormalizer.normalize(e, PROJECT, AGENT, NOW);
        EventRow resent = EventNormalizer.normalize(new HashMap<>(e), PROJECT, AGENT, NOW.plusSeconds(5));
        assertThat(first.id()).isEqualTo(resent.id()).isNotEqualTo(viaId.id());
        assertThat(first.task()).isNull();
        assertThat(first.worker()).isEqualTo("w1");
    }

    @Test
    void occurredAtIsClampedAndNaiveMeansUtc() throws Exception {
        assertThat(EventNormalizer.normalize(event("task.sent", "t", "2026-05-01T11:00:00", Map.of()),
                PROJECT, AGENT, NOW).occurredAt()).isEqualTo(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(EventNormalizer.normalize(event("task.sent", "t", "garbage", Map.of()),
                PROJECT, AGENT, NOW).occurredAt()).isEqualTo(NOW);
        String future = NOW.plus(Duration.ofMinutes(5)).toString();
        assertThat(EventNormalizer.normalize(event("task.sent", "t", future, Map.of()),
                PROJECT, AGENT, NOW).occurredAt()).isEqualTo(NOW);
        String ancient = NOW.minus(Duration.ofDays(401)).toString();
        assertThat(EventNormalizer.normalize(event("task.sent", "t", ancient, Map.of()),
                PROJECT, AGENT, NOW).occurredAt()).isEqualTo(NOW);
    }

    @Test
    void capsAndRequiredFieldsAreEnforcedPerEvent() {
        Map<String, Object> noKind = event("  ", "t", "2026-05-01T12:00:00Z", Map.of());
        assertThatThrownBy(() -> EventNormalizer.normalize(noKind, PROJECT, AGENT, NOW))
                .isInstanceOfSatisfying(EventNormalizer.Rejected.class, r -> assertThat(r.reason()).isEqualTo("missing_kind"));
        Map<String, Object> longEngine = event("task.sent", "t", "2026-05-01T12:00:00Z", Map.of());
        longEngine.put("engine", "x".repeat(41));
        assertThatThrownBy(() -> EventNormalizer.normalize(longEngine, PROJECT, AGENT, NOW))
                .isInstanceOfSatisfying(EventNormalizer.Rejected.class, r -> assertThat(r.reason()).isEqualTo("field_too_long"));
        Map<String, Object> numericTask = event("task.sent", "t", "2026-05-01T12:00:00Z", Map.of());
        numericTask.put("task_id", 42L);
        assertThatThrownBy(() -> EventNormalizer.normalize(numericTask, PROJECT, AGENT, NOW))
                .isInstanceOf(EventNormalizer.Rejected.class);
    }

    @Test
    void unknownKindsAreStoredAsUnknownWithoutProjection() throws Exception {
        EventRow row = EventNormalizer.normalize(event("task.teleported", "t", "2026-05-01T12:00:00Z", Map.of()),
                PROJECT, AGENT, NOW);
        assertThat(row.kind()).isEqualTo("unknown");
        assertThat(row.task()).isNull();
    }

    @Test
    void taskFactsPerKind() throws Exception {
        Map<String, Object> received = new LinkedHashMap<>();
        received.put("task_name", "app.add");
        received.put("args", List.of(1L, 2L));
        received.put("kwargs", Map.of("k", "v"));
        received.put("priority", "URGENT");
        received.put("parent_task_id", "t"); // self reference: dropped
        received.put("root_task_id", "root-1");
        EventRow r = EventNormalizer.normalize(event("task.received", "t", "2026-05-01T12:00:00Z", received),
                PROJECT, AGENT, NOW);
        assertThat(r.task().name()).isEqualTo("app.add");
        assertThat(r.task().argsJson()).isEqualTo("[1,2]");
        assertThat(r.task().kwargsJson()).isEqualTo("{\"k\":\"v\"}");
        assertThat(r.task().priority()).isEqualTo("normal");
        assertThat(r.task().parentTaskId()).isNull();
        assertThat(r.task().rootTaskId()).isEqualTo("root-1");

        Map<String, Object> failed = Map.of("exception", "ValueError", "traceback", "x".repeat(9000));
        EventRow f = EventNormalizer.normalize(event("task.failed", "t", "2026-05-01T12:00:01Z", failed),
                PROJECT, AGENT, NOW);
        assertThat(f.task().state()).isEqualTo("failure");
        assertThat(f.task().traceback()).hasSize(8192);
    }

    private static final String EMOJI = "\uD83D\uDE00"; // one code point, two UTF-16 chars

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) {
                return true;
            }
            if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return false;
    }

    @Test
    void cutsAtTheCapNeverSplitAnEmojiAndCountCharactersAsTheDatabasesDo() throws Exception {
        // The emoji is the 8192nd character (code point) of the exception, the 500th of the name:
        // both fit their cap exactly, as they would in a varchar column.
        Map<String, Object> failed = new LinkedHashMap<>();
        failed.put("exception", "x".repeat(8191) + EMOJI + "tail");
        failed.put("traceback", "y".repeat(8191) + EMOJI);
        failed.put("task_name", "n".repeat(499) + EMOJI + "more");
        EventRow f = EventNormalizer.normalize(event("task.failed", "t", "2026-05-01T12:00:01Z", failed),
                PROJECT, AGENT, NOW);

        assertThat(f.task().exception()).isEqualTo("x".repeat(8191) + EMOJI);
        assertThat(f.task().traceback()).isEqualTo("y".repeat(8191) + EMOJI);
        assertThat(f.task().name()).isEqualTo("n".repeat(499) + EMOJI);

        // One more character before the emoji: it no longer fits and goes whole, never half.
        failed.put("exception", "x".repeat(8192) + EMOJI);
        failed.put("task_name", "n".repeat(500) + EMOJI);
        EventRow g = EventNormalizer.normalize(event("task.failed", "t", "2026-05-01T12:00:01Z", failed),
                PROJECT, AGENT, NOW);
        assertThat(g.task().exception()).isEqualTo("x".repeat(8192));
        assertThat(g.task().name()).isEqualTo("n".repeat(500));
        assertThat(hasLoneSurrogate(g.task().exception())).isFalse();
    }

    @Test
    void identityAndReferenceCapsCountCharactersNotUtf16Units() throws Exception {
        String emojiTaskId = EMOJI.repeat(200); // 200 characters, 400 UTF-16 units: fits varchar(200)
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queue", EMOJI.repeat(200));
        data.put("worker", EMOJI.repeat(200));
        EventRow r = EventNormalizer.normalize(event("task.received", emojiTaskId, "2026-05-01T12:00:00Z", data),
                PROJECT, AGENT, NOW);
        assertThat(r.taskId()).isEqualTo(emojiTaskId);
        assertThat(r.queue()).isEqualTo(EMOJI.repeat(200));
        assertThat(r.worker()).isEqualTo(EMOJI.repeat(200));

        // One character over: the task id is refused, a queue or worker name is dropped (not cut:
        // a cut name would name another queue).
        Map<String, Object> tooLong = event("task.received", EMOJI.repeat(201), "2026-05-01T12:00:00Z", Map.of());
        assertThatThrownBy(() -> EventNormalizer.normalize(tooLong, PROJECT, AGENT, NOW))
                .isInstanceOfSatisfying(EventNormalizer.Rejected.class,
                        e -> assertThat(e.reason()).isEqualTo("field_too_long"));
        data.put("queue", EMOJI.repeat(201));
        EventRow dropped = EventNormalizer.normalize(event("task.received", "t", "2026-05-01T12:00:00Z", data),
                PROJECT, AGENT, NOW);
        assertThat(dropped.queue()).isNull();
    }

    @Test
    void nulCharactersDoNotMakeTheEventUnstorable() throws Exception {
        Map<String, Object> data = Map.of("text", "a\u0000b", "literal", "back\\u0000slash");
        EventRow row = EventNormalizer.normalize(event("task.sent", "t", "2026-05-01T12:00:00Z", data),
                PROJECT, AGENT, NOW);
        assertThat(row.payloadJson()).doesNotContain("\\u0000\"").contains("a\\ufffdb")
                .contains("back\\\\u0000slash");
    }
}
