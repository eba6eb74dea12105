package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.z4j.brain.protocol.PyFloat;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} of a JSON value, as the original's exports print args, kwargs and results:
 * {@code [1, 'x']}, {@code {'to': 'a@b'}}, {@code True}, {@code None}; a top-level string as is.
 */
final class PyStr {
    private PyStr() {}

    /** Python truthiness: None, False, 0, "" and empty containers are false (the export leaves them empty). */
    static boolean truthy(JsonNode n) {
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.doubleValue() != 0;
        }
        if (n.isTextual()) {
            return !n.textValue().isEmpty();
        }
        return n.size() > 0;
    }

    static String str(JsonNode n) {
        if (n.isTextual()) {
            return n.textValue();
        }
        StringBuilder out = new StringBuilder();
        repr(n, out);
        return out.toString();
    }

    private static void repr(JsonNode n, StringBuilder out) {
        if (n == null || n.isNull()) {
            out.append("None");
        } else if (n.isBoolean()) {
            out.append(n.booleanValue() ? "True" : "False");
        } else if (n.isIntegralNumber()) {
            out.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            out.append(PyFloat.repr(n.doubleValue()));
        } else if (n.isTextual()) {
            quote(n.textValue(), out);
        } else if (n.isArray()) {
            out.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                repr(n.get(i), out);
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    out.append(", ");
                }
                first = false;
                quote(e.getKey(), out);
                out.append(": ");
                repr(e.getValue(), out);
            }
            out.append('}');
        }
    }

    /** Python's repr of a str: single quotes unless only double quotes avoid escaping. */
    private static void quote(String s, StringBuilder out) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append(q);
    }
}
