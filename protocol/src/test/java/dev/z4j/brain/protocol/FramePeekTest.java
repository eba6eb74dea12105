package dev.z4j.brain.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FramePeekTest {

    private static FramePeek.Envelope peek(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return FramePeek.envelope(b, 0, b.length);
    }

    @Test
    void readsTypeIdAndTsOfEveryGoldenFrameWhateverTheKeyOrder() {
        for (JsonNode f : Vectors.root().at("/signed_frames")) {
            byte[] wire = Vectors.bytes(f, "wire");
            assertThat(FramePeek.envelope(wire, 0, wire.length))
                    .isEqualTo(new FramePeek.Envelope(f.get("type").asText(), f.get("id").asText(),
                            f.get("ts").asText()));
        }
        for (JsonNode c : Vectors.root().at("/negative_cases")) {
            if (c.get("name").asText().equals("reordered_keys_and_whitespace")) {
                byte[] wire = Vectors.bytes(c, "wire");
                assertThat(FramePeek.envelope(wire, 0, wire.length).type()).isEqualTo("event_batch");
            }
        }
    }

    @Test
    void nestedEnvelopeFieldsAreNotMistakenForTheFrames() {
        assertThat(peek("{\"payload\":{\"type\":\"x\",\"id\":\"inner\"},\"type\":\"event_batch\",\"id\":\"outer\"}"))
                .isEqualTo(new FramePeek.Envelope("event_batch", "outer", null));
        assertThat(peek("{\"type\":\"event_batch\"}")).isEqualTo(new FramePeek.Envelope("event_batch", null, null));
        assertThat(peek("{\"type\":3,\"id\":\"x\",\"ts\":null}")).isEqualTo(new FramePeek.Envelope(null, "x", null));
        assertThat(peek("{\"ts\":\"2026-11-30T10:00:00.000001Z\",\"payload\":{\"ts\":\"inner\"},\"type\":\"heartbeat\"}"))
                .isEqualTo(new FramePeek.Envelope("heartbeat", null, "2026-11-30T10:00:00.000001Z"));
        assertThat(peek("[1,2]")).isNull();
        assertThat(peek("{\"type\":")).isNull();
    }

    @Test
    void countsTheEventsOfAFrameTooComplexForTheParser() {
        String deep = "[".repeat(Json.MAX_DEPTH + 50) + "]".repeat(Json.MAX_DEPTH + 50);
        String frame = "{\"v\":2,\"id\":\"ev_deep\",\"type\":\"event_batch\",\"payload\":{\"events\":[{\"data\":"
                + deep + "},{\"n\":" + "7".repeat(Json.MAX_NUMBER_DIGITS + 1) + "},{}]},\"hmac\":\"x\"}";
        byte[] b = frame.getBytes(StandardCharsets.UTF_8);
        assertThat(FramePeek.envelope(b, 0, b.length)).isEqualTo(new FramePeek.Envelope("event_batch", "ev_deep", null));
        assertThat(FramePeek.eventCount(b, 0, b.length)).isEqualTo(3);
        byte[] none = "{\"type\":\"heartbeat\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThat(FramePeek.eventCount(none, 0, none.length)).isEqualTo(-1);
    }

    @Property(tries = 1000)
    void neverThrows(@ForAll byte[] garbage) {
        FramePeek.envelope(garbage, 0, garbage.length);
        FramePeek.eventCount(garbage, 0, garbage.length);
    }
}
