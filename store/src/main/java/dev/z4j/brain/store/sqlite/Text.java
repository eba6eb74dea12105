package dev.z4j.brain.store.sqlite;

/** String caps applied by the store itself so a long value is cut, not refused. */
final class Text {
    private Text() {}

    /** Cuts {@code s} to at most {@code max} chars without splitting a surrogate pair. */
    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
