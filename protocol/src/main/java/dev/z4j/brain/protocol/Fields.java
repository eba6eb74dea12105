package dev.z4j.brain.protocol;

import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Typed, capped reads from parsed JSON objects; every failure names the field. */
final class Fields {
    private Fields() {}

    /** A string of {@code min..max} chars; absent uses {@code dflt} (required when dflt is null and !nullable). */
    static String str(Map<String, Object> m, String key, int min, int max, String dflt, boolean nullable) {
        if (!m.containsKey(key)) {
            if (dflt != null || nullable) {
                return dflt;
            }
            throw FrameCodec.invalid(key + " is required");
        }
        Object v = m.get(key);
        if (v == null) {
            if (nullable) {
                return null;
            }
            throw FrameCodec.invalid(key + " must not be null");
        }
        if (!(v instanceof String s)) {
            throw FrameCodec.invalid(key + " must be a string");
        }
        int len = s.codePointCount(0, s.length()); // pydantic counts code points
        if (len < min || len > max) {
            throw FrameCodec.invalid(key + " length " + len + " outside " + min + ".." + max);
        }
        return s;
    }

    /** A JSON integer (never a float or bool) within {@code min..max}; absent uses {@code dflt}. */
    static long integer(Map<String, Object> m, String key, long min, long max, Long dflt) {
        Object v = m.get(key);
        if (v == null) {
            if (dflt != null && !m.containsKey(key)) {
                return dflt;
            }
            throw FrameCodec.invalid(key + " is required");
        }
        if (!(v instanceof Long l)) {
            throw FrameCodec.invalid(key + " must be an integer");
        }
        if (l < min || l > max) {
            throw FrameCodec.invalid(key + " = " + l + " outside " + min + ".." + max);
        }
        return l;
    }

    static Long integerOrNull(Map<String, Object> m, String key, long min, long max) {
        return m.get(key) == null ? null : integer(m, key, min, max, null);
    }

    /** A JSON number (int or float) or null, within {@code min..max}. */
    static Double numberOrNull(Map<String, Object> m, String key, double min, double max) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Long) && !(v instanceof Double)) {
            throw FrameCodec.invalid(key + " must be a number");
        }
        double d = ((Number) v).doubleValue();
        if (d < min || d > max) {
            throw FrameCodec.invalid(key + " = " + d + " outside range");
        }
        return d;
    }

    static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null && !m.containsKey(key)) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw FrameCodec.invalid(key + " must be a boolean");
        }
        return b;
    }

    /** An ISO datetime string or null; kept as the exact string (it is part of what was signed). */
    static String dateTimeOrNull(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw FrameCodec.invalid(key + " must be a datetime string");
        }
        try {
            Timestamps.parseAssumingUtc(s);
        } catch (DateTimeParseException e) {
            throw FrameCodec.invalid(key + " is not an ISO-8601 datetime");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object v, String key) {
        if (!(v instanceof Map)) {
            throw FrameCodec.invalid(key + " must be an object");
        }
        return (Map<String, Object>) v;
    }

    static Map<String, Object> object(Map<String, Object> m, String key, Map<String, Object> dflt) {
        Object v = m.get(key);
        if (v == null && !m.containsKey(key) && dflt != null) {
            return dflt;
        }
        return asObject(v, key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key, int maxItems) {
        Object v = m.get(key);
        if (v == null && !m.containsKey(key)) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw FrameCodec.invalid(key + " must be a list");
        }
        List<Object> l = (List<Object>) v;
        if (l.size() > maxItems) {
            throw FrameCodec.invalid(key + " has " + l.size() + " items, max " + maxItems);
        }
        return l;
    }

    /** A list of at most {@code maxItems} strings, each at most {@code maxLen} chars. */
    @SuppressWarnings("unchecked")
    static List<String> strings(Map<String, Object> m, String key, int maxItems, int maxLen) {
        List<Object> l = list(m, key, maxItems);
        for (Object o : l) {
            if (!(o instanceof String s) || s.length() > maxLen) {
                throw FrameCodec.invalid(key + " must be a list of strings");
            }
        }
        return (List<String>) (List<?>) l;
    }
}
