package dev.z4j.brain.store.postgres;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.UUID;

/**
 * Encodes rows in PostgreSQL COPY text format straight into one reusable UTF-8 byte array, so a
 * batch of thousands of events costs no per-row String or byte[] allocation beyond the fields.
 */
final class CopyBuffer {
    private static final byte[] NULL = {'\\', 'N'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;
    private boolean rowStarted;

    CopyBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void clear() {
        length = 0;
        rowStarted = false;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    CopyBuffer endRow() {
        ensure(1);
        bytes[length++] = '\n';
        rowStarted = false;
        return this;
    }

    CopyBuffer nullValue() {
        separator();
        ensure(2);
        System.arraycopy(NULL, 0, bytes, length, 2);
        length += 2;
        return this;
    }

    CopyBuffer number(long value) {
        separator();
        ascii(Long.toString(value));
        return this;
    }

    CopyBuffer number(Number value) {
        return value == null ? nullValue() : number(value.longValue());
    }

    CopyBuffer bool(boolean value) {
        separator();
        ensure(1);
        bytes[length++] = (byte) (value ? 't' : 'f');
        return this;
    }

    CopyBuffer uuid(UUID value) {
        if (value == null) {
            return nullValue();
        }
        separator();
        ensure(36);
        hex(value.getMostSignificantBits() >>> 32, 8);
        bytes[length++] = '-';
        hex(value.getMostSignificantBits() >>> 16, 4);
        bytes[length++] = '-';
        hex(value.getMostSignificantBits(), 4);
        bytes[length++] = '-';
        hex(value.getLeastSignificantBits() >>> 48, 4);
        bytes[length++] = '-';
        hex(value.getLeastSignificantBits(), 12);
        return this;
    }

    /** ISO-8601 with a Z suffix: PostgreSQL reads it as timestamptz whatever the session zone. */
    CopyBuffer timestamp(Instant value) {
        if (value == null) {
            return nullValue();
        }
        separator();
        ascii(value.toString());
        return this;
    }

    CopyBuffer date(LocalDate value) {
        separator();
        ascii(value.toString());
        return this;
    }

    /** Text escaped for COPY: backslash, tab, newline and carriage return become backslash escapes. */
    CopyBuffer text(String value) {
        if (value == null) {
            return nullValue();
        }
        separator();
        int n = value.length();
        ensure(n * 3);
        byte[] b = bytes;
        int p = length;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> { b[p++] = '\\'; b[p++] = '\\'; }
                    case '\t' -> { b[p++] = '\\'; b[p++] = 't'; }
                    case '\n' -> { b[p++] = '\\'; b[p++] = 'n'; }
                    case '\r' -> { b[p++] = '\\'; b[p++] = 'r'; }
                    default -> b[p++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?'; // unpaired surrogate: same replacement String.getBytes(UTF_8) makes
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length = p;
        return this;
    }

    private void hex(long bits, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            bytes[length++] = HEX[(int) (bits >>> shift) & 0xF];
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }

    private void separator() {
        if (rowStarted) {
            ensure(1);
            bytes[length++] = '\t';
        }
        rowStarted = true;
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
