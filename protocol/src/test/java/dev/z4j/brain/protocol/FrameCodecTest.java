package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private final byte[] secret = new byte[32];
    private final SessionBinding binding = new SessionBinding("agent", "project", "session");
    private final Clock clock = Clock.fixed(Instant.parse("2026-05-11T09:30:00.000001Z"), ZoneOffset.UTC);

    private Frame roundTrip(Frame outbound) {
        FrameSigner signer = new FrameSigner(secret, binding, clock, FrameSigner::randomNonce);
        FrameVerifier verifier = new FrameVerifier(secret, binding, new ReplayGuard(clock, System::nanoTime));
        return verifier.verify(signer.sign(outbound));
    }

    @Test
    void brainFramesCarryEveryModelFieldIncludingNulls() {
        Map<String, Object> target = new java.util.LinkedHashMap<>();
        target.put("type", "task");
        target.put("id", "celery:1");
        Frame cmd = Frame.outbound("3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                new Frame.Command("cancel_task", target, Map.of(), 60, null));
        String wire = new String(new FrameSigner(secret, binding, clock, () -> "n").sign(cmd), StandardCharsets.UTF_8);
        assertThat(wire).startsWith("{\"v\":2,\"id\":\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\","
                + "\"ts\":\"2026-05-11T09:30:00.000001Z\",\"nonce\":\"n\",\"seq\":1,\"hmac\":\"");
        assertThat(wire).endsWith("\"type\":\"command\",\"payload\":{\"action\":\"cancel_task\","
                + "\"target\":{\"type\":\"task\",\"id\":\"celery:1\"},\"parameters\":{},\"timeout_seconds\":60,"
                + "\"issued_by\":null}}");
    }

    @Test
    void everyPayloadTypeSurvivesSignVerifyDecode() {
        List<Frame.Payload> payloads = List.of(
                new Frame.EventBatch(List.of(Map.of("id", "e1", "kind", "task.sent"))),
                new Frame.EventBatchAck("ev_1", 3, 2, 1),
                new Frame.Heartbeat(3, "2026-05-11T09:29:59.5Z", 0, Map.of("celery.workers", "1")),
                new Frame.AgentStatus(0, 1, 2, null, 30.5, 5, null, "1.6.7", "2", List.of("celery"), List.of()),
                new Frame.Command("retry_task", Map.of("type", "task"), Map.of("eta_seconds", 1.5), 3600, "u"),
                new Frame.CommandAck(Map.of()),
                new Frame.CommandResult("failed", null, "boom"),
                new Frame.RegistryDelta("celery", List.of(), List.of("x"), List.of()),
                new Frame.Error("rate_limited", "slow down", true));
        for (Frame.Payload p : payloads) {
            Frame back = roundTrip(Frame.outbound("id-" + p.type().wire(), p));
            assertThat(back.type()).isEqualTo(p.type());
            assertThat(back.payload()).isEqualTo(p);
        }
    }

    @Test
    void signerSeqIncreasesAcrossFrameTypes() {
        FrameSigner signer = new FrameSigner(secret, binding, clock, FrameSigner::randomNonce);
        FrameVerifier verifier = new FrameVerifier(secret, binding, new ReplayGuard(clock, System::nanoTime));
        for (int i = 1; i <= 5; i++) {
            Frame f = verifier.verify(signer.sign(Frame.outbound("a" + i, new Frame.EventBatchAck("x", 1, 1, 0))));
            assertThat(f.seq()).isEqualTo(i);
        }
        assertThat(signer.lastSeq()).isEqualTo(5);
    }

    @Test
    void capsAreEnforced() {
        assertInvalid(new Frame.Command("a".repeat(81), Map.of(), Map.of(), 60, null), "action");
        assertInvalid(new Frame.Command("x", Map.of(), Map.of(), 3601, null), "timeout_seconds");
        assertInvalid(new Frame.Command("x", Map.of(), Map.of(), 0, null), "timeout_seconds");
        assertInvalid(new Frame.EventBatch(Collections.nCopies(5001, Map.of())), "events");
        assertInvalid(new Frame.CommandResult("maybe", null, null), "status");
        assertInvalid(new Frame.Error("c", "m".repeat(8193), false), "message");
        assertInvalid(new Frame.Heartbeat(10_000_001, null, 0, Map.of()), "buffer_size");
        assertThat(roundTrip(Frame.outbound("ok", new Frame.EventBatch(Collections.nCopies(5000, Map.of()))))
                .payload()).isInstanceOfSatisfying(Frame.EventBatch.class, b -> assertThat(b.events()).hasSize(5000));
    }

    private void assertInvalid(Frame.Payload payload, String field) {
        assertThatThrownBy(() -> roundTrip(Frame.outbound("id", payload)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProtocolException.Reason.INVALID_FIELD);
                    assertThat(e.isSignatureFailure()).isFalse();
                })
                .hasMessageContaining(field);
    }

    @Test
    void helloValidationIsStrict() {
        String ok = "{\"v\":2,\"id\":\"hello_1\",\"ts\":null,\"type\":\"hello\",\"payload\":{\"protocol_version\":\"2\","
                + "\"agent_version\":\"1.1.0\",\"framework\":\"bare\"}}";
        Frame h = FrameVerifier.parseHello(ok.getBytes(StandardCharsets.UTF_8), 0, ok.length());
        Frame.Hello p = (Frame.Hello) h.payload();
        assertThat(p.workerId()).isNull(); // older agents omit the worker_* fields
        assertThat(p.engines()).isEmpty();
        for (String bad : List.of(
                ok.replace("\"framework\":\"bare\"", "\"framework\":7"),
                ok.replace("\"v\":2", "\"v\":2.0"),
                ok.replace("\"type\":\"hello\"", "\"type\":\"heartbeat\""),
                ok.replace(",\"framework\":\"bare\"", ""),
                ok.replace("\"id\":\"hello_1\"", "\"id\":\"\""),
                "[]", "not json", "{\"type\":\"hello\"")) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> FrameVerifier.parseHello(b, 0, b.length)).as(bad)
                    .isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void loneSurrogatesAreRefusedOnParseAndOnWrite() {
        byte[] lone = "{\"s\":\"\\ud800\"}".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> Json.parse(lone)).isInstanceOf(ProtocolException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> JsonWriter.canonical(Map.of("s", "\ud800")))
                .isInstanceOf(ProtocolException.class);
        assertThat(Json.parse("{\"s\":\"\\ud83d\\ude80\"}".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Map.of("s", "🚀"));
    }

    @Test
    void duplicateKeysLastWinsLikePython() {
        Object parsed = Json.parse("{\"a\":1,\"b\":2,\"a\":3}".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(JsonWriter.canonical(parsed), StandardCharsets.US_ASCII)).isEqualTo("{\"a\":3,\"b\":2}");
    }
}
