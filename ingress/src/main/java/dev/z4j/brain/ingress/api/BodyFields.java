package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.ingress.StorableText;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/** Typed reads of a JSON request body; a missing or wrong field is a 422 naming it. */
final class BodyFields {
    private final ObjectNode body;

    BodyFields(ObjectNode body) {
        this.body = body;
    }

    private JsonNode present(String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n;
    }

    /** A string of {@code min}..{@code max} characters that can be stored as is. */
    String text(String field, int min, int max) throws ApiProblem {
        JsonNode n = present(field);
        if (n == null) {
            throw ApiProblem.invalid(field, "is required");
        }
        if (!n.isTextual()) {
            throw ApiProblem.invalid(field, "must be a string");
        }
        String s = n.textValue();
        if (s.codePointCount(0, s.length()) < min) {
            throw ApiProblem.invalid(field, "must have at least " + min + " character" + (min == 1 ? "" : "s"));
        }
        return Params.storable(field, s, max);
    }

    /** Like {@link #text} but absent (or null) is null. */
    String optionalText(String field, int min, int max) throws ApiProblem {
        return present(field) == null ? null : text(field, min, max);
    }

    UUID optionalUuid(String field) throws ApiProblem {
        JsonNode n = present(field);
        if (n == null) {
            return null;
        }
        return Params.uuid(field, n.isTextual() ? n.textValue() : n.toString());
    }

    /** An integer in [min, max], {@code absent} when missing. */
    Long integer(String field, long min, long max, Long absent) throws ApiProblem {
        JsonNode n = present(field);
        if (n == null) {
            return absent;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw ApiProblem.invalid(field, "must be an integer " + min + ".." + max);
        }
        return n.longValue();
    }

    boolean bool(String field, boolean absent) throws ApiProblem {
        JsonNode n = present(field);
        if (n == null) {
            return absent;
        }
        if (!n.isBoolean()) {
            throw ApiProblem.invalid(field, "must be true or false");
        }
        return n.booleanValue();
    }

    /** A JSON array (null when absent), at most {@code maxBytes} as compact JSON, storable text throughout. */
    ArrayNode optionalArray(String field, int maxBytes) throws ApiProblem {
        JsonNode n = present(field);
        if (n == null) {
            return null;
        }
        if (!(n instanceof ArrayNode a)) {
            throw ApiProblem.invalid(field, "must be a list");
        }
        return checked(field, a, maxBytes);
    }

    /** A JSON object (null when absent), at most {@code maxBytes} as compact JSON, storable text throughout. */
    ObjectNode optionalObject(String field, int maxBytes) throws ApiProblem {
        JsonNode n = present(field);
        if (n == null) {
            return null;
        }
        if (!(n instanceof ObjectNode o)) {
            throw ApiProblem.invalid(field, "must be an object");
        }
        return checked(field, o, maxBytes);
    }

    private static <T extends JsonNode> T checked(String field, T node, int maxBytes) throws ApiProblem {
        int size = node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw ApiProblem.invalid(field, "is " + size + " bytes as JSON, more than the " + maxBytes + " allowed");
        }
        storable(field, node);
        return node;
    }

    /** Every key and string in {@code node} must be storable as is; the error names the path. */
    private static void storable(String path, JsonNode node) throws ApiProblem {
        if (node.isTextual()) {
            String problem = StorableText.problem(node.textValue());
            if (problem != null) {
                throw ApiProblem.invalid(path, problem);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String problem = StorableText.problem(e.getKey());
                if (problem != null) {
                    throw ApiProblem.invalid(path, "has a key that " + problem);
                }
                storable(path + "." + e.getKey(), e.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                storable(path + "[" + i + "]", node.get(i));
            }
        }
    }
}
