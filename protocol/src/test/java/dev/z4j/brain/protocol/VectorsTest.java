package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every case of vectors.json: derivations, canonical bytes, HMACs, verdicts, and our bytes. */
class VectorsTest {

    private static Stream<JsonNode> each(String pointer) {
        return StreamSupport.stream(Vectors.root().at(pointer).spliterator(), false);
    }

    @Test
    void projectSecretDerivations() {
        List<JsonNode> cases = new ArrayList<>();
        cases.add(Vectors.root().at("/project_secret/primary"));
        Vectors.root().at("/project_secret/extra").forEach(cases::add);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(4);
        for (JsonNode c : cases) {
            UUID id = UUID.fromString(c.get("project_id").asText());
            assertThat(Hex.encode(Secrets.uuidBytesLe(id))).isEqualTo(c.get("project_id_bytes_le_hex").asText());
            byte[] secret = Secrets.projectSecret(Vectors.masterSecret(), id);
            assertThat(Hex.encode(secret)).isEqualTo(c.get("derived_secret_hex").asText());
            assertThat(Secrets.agentHmacSecret(secret)).isEqualTo(c.get("agent_hmac_secret_urlsafe_b64").asText());
            assertThat(Secrets.decodeAgentHmacSecret(c.get("agent_hmac_secret_urlsafe_b64").asText())).isEqualTo(secret);
        }
    }

    @Test
    void masterSecretBytesAreItsUtf8() {
        assertThat(Hex.encode(Vectors.masterSecret())).isEqualTo(Vectors.root().at("/inputs/master_secret_hex").asText());
    }

    @Test
    void tokenHash() {
        JsonNode t = Vectors.root().at("/agent_token");
        assertThat(Secrets.tokenHash(Vectors.masterSecret(), t.get("plaintext").asText()))
                .isEqualTo(t.get("hash_hex").asText());
    }

    @Test
    void protocolDocWorkedExample() {
        byte[] master = "example-master-secret-0123456789-abcdefghij".getBytes(StandardCharsets.UTF_8);
        byte[] secret = Secrets.projectSecret(master, UUID.fromString("6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"));
        assertThat(Hex.encode(secret)).isEqualTo("aeb5ce97bdad79a308208e963d3f2d4a827b83c35417118f82a33ef228f78e2e");
        assertThat(Secrets.agentHmacSecret(secret)).isEqualTo("rrXOl72teaMIII6WPT8tSoJ7g8NUFxGPgqM-8ij3ji4=");
        assertThat(Secrets.tokenHash(master, "Zq3vN8xT1kLmP0sR7uW2yB5eH9jC4fG6aD1oI3nQ8rS"))
                .isEqualTo("3f0843607905c9c463341fe9c9e3c17148d8e3422adfe2e3eb900b6cc8084d01");
    }

    @TestFactory
    Stream<DynamicTest> timestampRendering() {
        return each("/ts_rendering").map(c -> DynamicTest.dynamicTest(c.get("wire").asText(), () -> {
            String wire = c.get("wire").asText();
            java.time.Instant t = Timestamps.parseAware(wire);
            assertThat(t).isEqualTo(Timestamps.parseAware(c.get("event_occurred_at_isoformat").asText()));
            if (wire.endsWith("Z")) {
                assertThat(Timestamps.format(t)).isEqualTo(wire);
                assertThat(Timestamps.isoformatUtc(t)).isEqualTo(c.get("event_occurred_at_isoformat").asText());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> canonicalJson() {
        return each("/canonical_json").map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            Object parsed = Json.parse(c.get("input_json").asText().getBytes(StandardCharsets.UTF_8));
            assertThat(JsonWriter.canonical(parsed)).isEqualTo(Vectors.bytes(c, "canonical"));
        }));
    }

    @TestFactory
    Stream<DynamicTest> signedFramesEnvelopeAndHmac() {
        return each("/signed_frames").map(f -> DynamicTest.dynamicTest(f.get("name").asText(), () -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) Json.parse(Vectors.bytes(f, "wire"));
            Envelope env = new Envelope(new MacPool(Vectors.projectSecret()), Vectors.binding());
            assertThat(env.canonical(tree, new ByteSink(16)).toByteArray()).isEqualTo(Vectors.bytes(f, "signed_envelope"));
            assertThat(Hex.encode(env.hmac(tree))).isEqualTo(f.get("hmac").asText());
        }));
    }

    /** Each direction is fed to one verifier in order, as the reference did. */
    @Test
    void signedFramesVerifyInOrderPerDirection() {
        Map<String, FrameVerifier> verifiers = new HashMap<>();
        MutableClock clock = new MutableClock();
        int checked = 0;
        for (JsonNode f : (Iterable<JsonNode>) each("/signed_frames")::iterator) {
            FrameVerifier v = verifiers.computeIfAbsent(f.get("direction").asText(), d ->
                    new FrameVerifier(Vectors.projectSecret(), Vectors.binding(), new ReplayGuard(clock, clock::nanos)));
            clock.set(f.get("verifier_now").asText());
            JsonNode verdict = f.get("verdict_by_reference_verifier");
            assertThat(verdict.get("accepted").asBoolean()).isTrue();
            Frame frame = v.verify(Vectors.bytes(f, "wire"));
            assertThat(frame.type().wire()).isEqualTo(verdict.get("parsed_type").asText());
            assertThat(frame.seq()).isEqualTo(verdict.get("parsed_seq").asLong());
            assertThat(frame.id()).isEqualTo(f.get("id").asText());
            checked++;
        }
        assertThat(checked).isEqualTo(15);
    }

    /** Our signer, given the same clock, nonces and order, produces the reference's exact bytes. */
    @Test
    void brainFramesAreReproducedByteForByte() {
        List<JsonNode> brain = each("/signed_frames")
                .filter(f -> f.get("direction").asText().equals("brain->agent")).toList();
        assertThat(brain).hasSize(4);
        MutableClock clock = new MutableClock();
        String[] nextNonce = new String[1];
        FrameSigner signer = new FrameSigner(Vectors.projectSecret(), Vectors.binding(), clock, () -> nextNonce[0]);
        for (JsonNode f : brain) {
            byte[] expected = Vectors.bytes(f, "wire");
            Frame original = decodeUnverified(expected);
            clock.set(f.get("ts").asText());
            nextNonce[0] = f.get("nonce").asText();
            byte[] ours = signer.sign(Frame.outbound(original.id(), original.payload()));
            assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(ours).isEqualTo(expected);
        }
    }

    @Test
    void helloIsParsedAndHelloAckReproduced() {
        JsonNode hello = Vectors.root().at("/unsigned_frames/0");
        Frame h = FrameVerifier.parseHello(Vectors.bytes(hello, "wire"), 0, Vectors.bytes(hello, "wire").length);
        Frame.Hello p = (Frame.Hello) h.payload();
        assertThat(p.protocolVersion()).isEqualTo("2");
        assertThat(p.workerId()).isEqualTo("bare-4242-1778491800000");
        assertThat(p.workerPid()).isEqualTo(4242L);
        assertThat(p.engines()).containsExactly("golden");
        assertThat(FrameSigner.unsigned(h)).isEqualTo(Vectors.bytes(hello, "wire"));

        JsonNode ack = Vectors.root().at("/unsigned_frames/1");
        SessionBinding b = Vectors.binding();
        Frame ours = new Frame(FrameType.HELLO_ACK, "hack_c7e9a1b3d5f7", "2026-05-11T09:29:59.123456Z", null, null, null,
                new Frame.HelloAck("2", "1.6.9", b.agentId(), b.projectId(), b.sessionId(), 10, 1_048_576));
        assertThat(FrameSigner.unsigned(ours)).isEqualTo(Vectors.bytes(ack, "wire"));
    }

    @TestFactory
    Stream<DynamicTest> negativeCases() {
        Map<String, JsonNode> byName = new HashMap<>();
        each("/signed_frames").forEach(f -> byName.put("signed_frames/" + f.get("name").asText(), f));
        return each("/negative_cases").map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            MutableClock clock = new MutableClock();
            byte[] secret = c.get("name").asText().equals("wrong_project_secret")
                    ? Secrets.projectSecret("another-master-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8),
                            Vectors.projectId())
                    : Vectors.projectSecret();
            FrameVerifier v = new FrameVerifier(secret, Vectors.binding(c.get("verifier_binding")),
                    new ReplayGuard(clock, clock::nanos));
            if (c.has("verifier_fed_first")) {
                for (JsonNode ref : c.get("verifier_fed_first")) {
                    JsonNode first = byName.get(ref.asText());
                    clock.set(first.get("verifier_now").asText());
                    v.verify(Vectors.bytes(first, "wire"));
                }
            }
            clock.set(c.get("verifier_now").asText());
            JsonNode verdict = c.get("verdict_by_reference_verifier");
            byte[] wire = Vectors.bytes(c, "wire");
            if (verdict.get("accepted").asBoolean()) {
                Frame f = v.verify(wire);
                assertThat(f.type().wire()).isEqualTo(verdict.get("parsed_type").asText());
                assertThat(f.seq()).isEqualTo(verdict.get("parsed_seq").asLong());
            } else {
                ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> v.verify(wire));
                assertThat(e).as("must be rejected").isNotNull();
                boolean signatureError = verdict.get("error").asText().equals("SignatureError");
                assertThat(e.isSignatureFailure()).as(e.getMessage()).isEqualTo(signatureError);
            }
        }));
    }

    /** Frames recorded from the live reference brain verify, and re-signing them reproduces them. */
    @Test
    void framesCapturedFromReferenceBrain() {
        JsonNode cap = Vectors.root().at("/captured_from_reference_brain");
        byte[] master = cap.get("brain_master_secret_utf8").asText().getBytes(StandardCharsets.UTF_8);
        SessionBinding binding = Vectors.binding(cap.get("binding"));
        byte[] secret = Secrets.projectSecret(master, UUID.fromString(binding.projectId()));
        MutableClock clock = new MutableClock();
        FrameVerifier agentSide = new FrameVerifier(secret, binding, new ReplayGuard(clock, clock::nanos));
        FrameVerifier brainSide = new FrameVerifier(secret, binding, new ReplayGuard(clock, clock::nanos));
        String[] nonce = new String[1];
        FrameSigner signer = new FrameSigner(secret, binding, clock, () -> nonce[0]);
        int brainFrames = 0;
        for (JsonNode f : cap.get("frames")) {
            byte[] wire = Vectors.bytes(f, "wire");
            Frame parsed = decodeUnverified(wire);
            if (parsed.type() == FrameType.HELLO || parsed.type() == FrameType.HELLO_ACK) {
                assertThat(FrameSigner.unsigned(parsed)).isEqualTo(wire);
                continue;
            }
            clock.set(parsed.ts().replace("Z", "+00:00"));
            if (f.get("direction").asText().equals("agent->brain")) {
                assertThat(brainSide.verify(wire).type()).isEqualTo(FrameType.EVENT_BATCH);
                continue;
            }
            assertThat(agentSide.verify(wire).id()).isEqualTo(parsed.id());
            nonce[0] = parsed.nonce();
            assertThat(signer.sign(Frame.outbound(parsed.id(), parsed.payload()))).isEqualTo(wire);
            brainFrames++;
        }
        assertThat(brainFrames).isEqualTo(3);
    }

    @Test
    void upperCaseHexIsRejectedEvenWhenOtherwiseCorrect() {
        JsonNode f = Vectors.root().at("/signed_frames/0");
        String wire = new String(Vectors.bytes(f, "wire"), StandardCharsets.UTF_8)
                .replace(f.get("hmac").asText(), f.get("hmac").asText().toUpperCase());
        MutableClock clock = new MutableClock();
        clock.set(f.get("verifier_now").asText());
        FrameVerifier v = new FrameVerifier(Vectors.projectSecret(), Vectors.binding(), new ReplayGuard(clock, clock::nanos));
        assertThatThrownBy(() -> v.verify(wire.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).reason()).isEqualTo(ProtocolException.Reason.BAD_HMAC);
    }

    /** A settable wall clock plus a monotonic nanos source that follows it. */
    static final class MutableClock extends Clock {
        private java.time.Instant now = java.time.Instant.EPOCH;

        void set(String iso) {
            now = Vectors.instant(iso);
        }

        void set(java.time.Instant t) {
            now = t;
        }

        long nanos() {
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** Decodes any frame without checking its signature (test inspection only). */
    static Frame decodeUnverified(byte[] wire) {
        Map<String, Object> tree = FrameVerifier.parseFrameObject(wire, 0, wire.length);
        return FrameCodec.decode(tree, FrameVerifier.typeOf(tree));
    }
}
