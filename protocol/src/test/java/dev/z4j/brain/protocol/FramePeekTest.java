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
        return FramePeek.typeAndId(b, 0, b.length);
    }

    @Test
    void readsTypeAndIdOfEveryGoldenFrameWhateverTheKeyOrder() {
        for (JsonNode f : Vectors.root().at("/signed_frames")) {
            byte[] wire = Vectors.bytes(f, "wire");
            assertThat(FramePeek.typeAndId(wire, 0, wire.length))
                    .isEqualTo(new FramePeek.Envelope(f.get("type").asText(), f.get("id").asText()));
        }
        for (JsonNode c : Vectors.root().at("/negative_cases")) {
            if (c.get("name").asText().equals("reordered_keys_and_whitespace")) {
                byte[] wire = Vectors.bytes(c, "wire");
                assertThat(FramePeek.typeAndId(wire, 0, wire.length).type()).isEqualTo("event_batch");
            }
        }
    }

    @Test
    void nestedTypeOrIdFieldsAreNotMistakenForTheFrames() {
        assertThat(peek("{\"payload\":{\"type\":\"x\",\"id\":\"inner\"},\"type\":\"event_batch\",\"id\":\"outer\"}"))
                .isEqualTo(new FramePeek.Envelope("event_batch", "outer"));
        assertThat(peek("{\"type\":\"event_batch\"}")).isEqualTo(new FramePeek.Envelope("event_batch", null));
        assertThat(peek("{\"type\":3,\"id\":\"x\"}")).isEqualTo(new FramePeek.Envelope(null, "x"));
        assertThat(peek("[1,2]")).isNull();
        assertThat(peek("{\"type\":")).isNull();
    }

    @Property(tries = 1000)
    void neverThrows(@ForAll byte[] garbage) {
        FramePeek.typeAndId(garbage, 0, garbage.length);
    }
}
