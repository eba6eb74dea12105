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
 * is computed over (docs/PROTOCOL.md 5.2). {@link #wire} keeps insertion order: the bytes we send.
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
        } else if (value instanceof Long l) {
            sink.putLong(l); // the common number: no String per value
        } else if (value instanceof Integer || value instanceof Short
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
            sortKeys(keys, keys.length);
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
        int i = putPlainAscii(s, sink);
        for (; i < n; i++) {
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

    /**
     * Copies the leading run of printable ASCII that needs no escaping straight into the buffer
     * (room for it is already ensured) and returns where that run ends. Ids, names, timestamps and
     * keys are usually nothing else, and this loop is the hottest part of canonicalisation.
     */
    private static int putPlainAscii(String s, ByteSink sink) {
        byte[] buf = sink.array();
        int pos = sink.length();
        int n = s.length();
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            buf[pos++] = (byte) c;
        }
        sink.setLength(pos);
        return i;
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

    /**
     * Sorts {@code keys[0, n)} in code-point order. Agent objects have a handful of keys, where an
     * inlined insertion sort skips {@link Arrays#sort}'s run detection and comparator calls (TimSort
     * showed up in profiles); larger objects (possibly hostile) still get an O(n log n) sort. Keys of one object are distinct, so
     * stability does not matter.
     */
    static void sortKeys(String[] keys, int n) {
        if (n > 16) {
            Arrays.sort(keys, 0, n, CODE_POINT_ORDER);
            return;
        }
        for (int i = 1; i < n; i++) {
            String k = keys[i];
            int j = i - 1;
            while (j >= 0 && compareCodePoints(keys[j], k) > 0) {
                keys[j + 1] = keys[j];
                j--;
            }
            keys[j + 1] = k;
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
