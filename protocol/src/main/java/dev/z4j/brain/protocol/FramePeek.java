package dev.z4j.brain.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;

/**
 * Reads only a frame's top-level {@code type}, {@code id} and {@code ts}, without building a tree or checking
 * the signature. Real agents re-send every un-acked batch many times a second (docs/PROTOCOL.md 8);
 * recognising a batch id we already have must cost about a microsecond, not a full verify.
 * Agents write these before {@code payload}, so usually only the first ~200 bytes are read.
 */
public final class FramePeek {
    // Skipping is iterative, so no nesting or number is too big to step over: a frame the full
    // parser refuses as too complex can still be recognised and answered.
    private static final JsonFactory FACTORY = JsonBuffers.factory()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    /** The envelope's strings, each null when absent or not a string. */
    public record Envelope(String type, String id, String ts) {}

    private FramePeek() {}

    /**
     * {@code type}, {@code id} and {@code ts} (the sender's clock when it signed the frame).
     *
     * @return the fields, or null if the bytes are not a JSON object (let the full verify say why)
     */
    public static Envelope envelope(byte[] message, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(message, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            String id = null;
            String ts = null;
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING && name.equals("type")) {
                    type = p.getText();
                } else if (v == JsonToken.VALUE_STRING && name.equals("id")) {
                    id = p.getText();
                } else if (v == JsonToken.VALUE_STRING && name.equals("ts")) {
                    ts = p.getText();
                } else {
                    p.skipChildren();
                }
                if (type != null && id != null && ts != null) {
                    return new Envelope(type, id, ts);
                }
            }
            return new Envelope(type, id, ts);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * How many entries {@code payload.events} has, stepping over their contents without building
     * them; -1 if the frame has no such array or is not JSON.
     */
    public static int eventCount(byte[] message, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(message, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT && name.equals("payload")) {
                    String field;
                    while ((field = p.nextFieldName()) != null) {
                        JsonToken e = p.nextToken();
                        if (e == JsonToken.START_ARRAY && field.equals("events")) {
                            int n = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                                n++;
                            }
                            return n;
                        }
                        p.skipChildren();
                    }
                    return -1;
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
