package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writing the API's JSON with Jackson's streaming generator: explicit field names, every declared
 * field present (null when unknown), arrays never null, stored JSON written through unparsed.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** An ISO-8601 UTC time ({@code Instant.toString}, a {@code Z} suffix), or null. */
    public static void time(JsonGenerator g, String field, Instant t) throws IOException {
        if (t == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, t.toString());
        }
    }

    /** JSON text from the store written as is (it was valid JSON when stored), or null. */
    public static void raw(JsonGenerator g, String field, String json) throws IOException {
        g.writeFieldName(field);
        if (json == null) {
            g.writeNull();
        } else {
            g.writeRawValue(json);
        }
    }

    /** Stored JSON text, or {@code fallback} (for example "{}") when there is none. */
    public static void rawOr(JsonGenerator g, String field, String json, String fallback) throws IOException {
        raw(g, field, json == null ? fallback : json);
    }

    public static void text(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }

    public static void number(JsonGenerator g, String field, Number value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else if (value instanceof Double || value instanceof Float) {
            g.writeNumberField(field, value.doubleValue());
        } else {
            g.writeNumberField(field, value.longValue());
        }
    }

    public static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** A map of plain values (strings, numbers, booleans, nulls, nested maps and lists). */
    public static void object(JsonGenerator g, String field, Map<String, ?> values) throws IOException {
        g.writeFieldName(field);
        MAPPER.writeValue(g, values);
    }
}
