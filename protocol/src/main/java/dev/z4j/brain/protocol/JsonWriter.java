package dev.z4j.brain.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes the values {@link Json} produces as UTF-8 JSON with no whitespace, strings escaped as
 * Python's {@code json.dumps(ensure_ascii=False)} does, floats as Python {@code repr}.
 *
 * <p>{@link #canonical} sorts object keys by Unicode code point at every level: the bytes an HMAC
 * is computed over (PROTOCOL.md 5.2). {@link #wire} keeps insertion order: the bytes we send.
 */
public final class JsonWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Code-point order on UTF-16 strings: surrogates (astral chars) sort above U+E000..U+FFFF. */
    public static final Comparator<String> CODE_POINT_ORDER = JsonWriter::compareCodePoints;

    private JsonWriter() {}

    public static byte[] canonical(Object value) {
        ByteSink sink = new ByteSink(256);
        write(value, sink, true);
        return sink.toByteArray();
    }

    public static byte[] wire(Object value) {
        ByteSink sink = new ByteSink(256);
        write(value, sink, false);
        return sink.toByteArray();
    }

    /** Appends {@code value} to {@code sink}; {@code sorted} selects canonical key order. */
    public static void write(Object value, ByteSink sink, boolean sorted) {
        if (value == null) {
            sink.putAscii("null");
        } else if (value instanceof String s) {
            writeString(s, sink);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, sink, sorted);
        } else if (value instanceof List<?> list) {
            sink.put((byte) '[');
            for (int i = 0, n = list.size(); i < n; i++) {
                if (i > 0) {
                    sink.put((byte) ',');
                }
                write(list.get(i), sink, sorted);
            }
            sink.put((byte) ']');
        } else if (value instanceof Boolean b) {
            sink.putAscii(b ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            sink.putAscii(value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            StringBuilder sb = new StringBuilder(24);
            PyFloat.append(((Number) value).doubleValue(), sb);
            sink.putAscii(sb);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void writeObject(Map<?, ?> map, ByteSink sink, boolean sorted) {
        sink.put((byte) '{');
        if (sorted && map.size() > 1) {
            String[] keys = new String[map.size()];
            int i = 0;
            for (Object k : map.keySet()) {
                keys[i++] = (String) k;
            }
            Arrays.sort(keys, CODE_POINT_ORDER);
            for (i = 0; i < keys.length; i++) {
                if (i > 0) {
                    sink.put((byte) ',');
                }
                writeString(keys[i], sink);
                sink.put((byte) ':');
                write(map.get(keys[i]), sink, true);
            }
        } else {
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sink.put((byte) ',');
                }
                first = false;
                writeString((String) e.getKey(), sink);
                sink.put((byte) ':');
                write(e.getValue(), sink, sorted);
            }
        }
        sink.put((byte) '}');
    }

    /** Escapes like Python json with ensure_ascii=False; everything else raw UTF-8. */
    static void writeString(String s, ByteSink sink) {
        int n = s.length();
        sink.ensure(n + 2);
        sink.put((byte) '"');
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    sink.put((byte) c);
                } else {
                    escape(c, sink);
                }
            } else if (c < 0x800) {
                sink.ensure(2);
                sink.put((byte) (0xC0 | (c >> 6)));
                sink.put((byte) (0x80 | (c & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    sink.ensure(4);
                    sink.put((byte) (0xF0 | (cp >> 18)));
                    sink.put((byte) (0x80 | ((cp >> 12) & 0x3F)));
                    sink.put((byte) (0x80 | ((cp >> 6) & 0x3F)));
                    sink.put((byte) (0x80 | (cp & 0x3F)));
                } else {
                    throw new ProtocolException(ProtocolException.Reason.MALFORMED,
                            "lone surrogate U+" + Integer.toHexString(c) + " cannot be encoded");
                }
            } else {
                sink.ensure(3);
                sink.put((byte) (0xE0 | (c >> 12)));
                sink.put((byte) (0x80 | ((c >> 6) & 0x3F)));
                sink.put((byte) (0x80 | (c & 0x3F)));
            }
        }
        sink.put((byte) '"');
    }

    private static void escape(char c, ByteSink sink) {
        switch (c) {
            case '"' -> sink.putAscii("\\\"");
            case '\\' -> sink.putAscii("\\\\");
            case '\n' -> sink.putAscii("\\n");
            case '\r' -> sink.putAscii("\\r");
            case '\t' -> sink.putAscii("\\t");
            case '\b' -> sink.putAscii("\\b");
            case '\f' -> sink.putAscii("\\f");
            default -> {
                sink.putAscii("\\u00");
                sink.put(HEX[c >> 4]);
                sink.put(HEX[c & 0xF]);
            }
        }
    }

    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return fixup(x) - fixup(y);
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above U+E000..U+FFFF so UTF-16 unit order equals code-point order. */
    private static int fixup(char c) {
        if (c >= 0xD800) {
            return c >= 0xE000 ? c - 0x800 : c + 0x2000;
        }
        return c;
    }
}
