package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.z4j.brain.protocol.JsonBuffers;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one JSON mapper of the operator API: record components become snake_case keys, every key is
 * written (null stays null, never omitted), timestamps are ISO-8601 UTC ({@code Instant.toString}),
 * and a request value of the wrong JSON type is refused instead of coerced. The streaming writers
 * below serve the documents written field by field (explicit names, every declared field present,
 * arrays never null, stored JSON written through unparsed).
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonBuffers.factory().build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(new SimpleModule("z4j-instant").addSerializer(Instant.class, ToStringSerializer.instance))
            .build();

    private Json() {}

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response did not serialise: " + e.getMessage(), e);
        }
    }

    /** Stored JSON text as a tree (null for SQL NULL); text that is not JSON stays a string. */
    public static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            return MAPPER.getNodeFactory().textNode(json);
        }
    }

    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // Streaming writers: the reads write their documents field by field with a JsonGenerator.

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
