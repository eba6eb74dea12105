package dev.z4j.brain.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.ingress.api.ApiError;
import java.util.Map;

/**
 * Text a REST client sends must be stored exactly as sent, on PostgreSQL and SQLite alike: no NUL
 * character (PostgreSQL text and jsonb cannot hold one) and no unpaired UTF-16 surrogate (UTF-8
 * cannot encode one; the drivers would silently store '?'). Refused up front with a 422 that
 * names the field, instead of a database error mistaken for an outage or a duplicate. The CLI
 * applies the same rule to the names it is given.
 */
public final class StorableText {
    private StorableText() {}

    /** What is wrong with {@code s}, or null if it can be stored as is. */
    public static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                return "contains a NUL character (\\u0000)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a valid pair
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate (\\u" + Integer.toHexString(c) + "), which is not valid Unicode";
            }
        }
        return null;
    }

    public static String check(String field, String value) throws ApiError {
        String problem = problem(value);
        if (problem != null) {
            throw ApiError.validation(field, problem);
        }
        return value;
    }

    /** Every key and string value in {@code node}; the error names the path, e.g. {@code target.id}. */
    public static void checkTree(String path, JsonNode node) throws ApiError {
        if (node.isTextual()) {
            check(path, node.textValue());
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String keyProblem = problem(e.getKey());
                if (keyProblem != null) {
                    throw ApiError.validation(path, "has a key that " + keyProblem);
                }
                checkTree(path + "." + e.getKey(), e.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkTree(path + "[" + i + "]", node.get(i));
            }
        }
    }
}
