package dev.z4j.brain.protocol;

import java.util.Arrays;

/** A growable byte buffer that JSON is written into; reused to keep the hot path allocation-light. */
public final class ByteSink {
    private byte[] buf;
    private int len;

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public void reset() {
        len = 0;
    }

    public int length() {
        return len;
    }

    /** The backing array; valid bytes are [0, length()). */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    /** Sets the number of valid bytes after writing directly into {@link #array()}. */
    void setLength(int length) {
        len = length;
    }

    /** Decimal digits of {@code v}, as {@link Long#toString(long)} writes them. */
    void putLong(long v) {
        if (v == Long.MIN_VALUE) {
            putAscii(Long.toString(v)); // its negation overflows
            return;
        }
        ensure(20); // '-' and 19 digits
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int end = len + digits(v);
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len = end;
    }

    private static int digits(long v) {
        int d = 1;
        for (long p = 10; d < 19 && v >= p; p *= 10) {
            d++;
        }
        return d;
    }

    void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    void putAscii(CharSequence s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }
}
