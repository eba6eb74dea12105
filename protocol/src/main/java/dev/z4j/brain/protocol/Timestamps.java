package dev.z4j.brain.protocol;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/** Timestamp text as pydantic writes it and as Python's {@code fromisoformat} reads it. */
public final class Timestamps {
    private Timestamps() {}

    // Python 3.11+ fromisoformat: 'T' or ' ' separator, optional seconds fraction, optional offset.
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    /**
     * pydantic's datetime form in UTC: {@code YYYY-MM-DDTHH:MM:SS[.ffffff]Z}, six fraction digits
     * only when the microseconds are non-zero; nanoseconds are truncated to micros.
     */
    public static String format(Instant t) {
        OffsetDateTime d = t.atOffset(ZoneOffset.UTC);
        int micros = d.getNano() / 1000;
        StringBuilder sb = new StringBuilder(27);
        pad(sb, d.getYear(), 4).append('-');
        pad(sb, d.getMonthValue(), 2).append('-');
        pad(sb, d.getDayOfMonth(), 2).append('T');
        pad(sb, d.getHour(), 2).append(':');
        pad(sb, d.getMinute(), 2).append(':');
        pad(sb, d.getSecond(), 2);
        if (micros != 0) {
            pad(sb.append('.'), micros, 6);
        }
        return sb.append('Z').toString();
    }

    /** Python {@code datetime.isoformat()} of a UTC time, as agents write {@code occurred_at}. */
    public static String isoformatUtc(Instant t) {
        String z = format(t);
        return z.substring(0, z.length() - 1) + "+00:00";
    }

    /**
     * Parses an ISO-8601 timestamp that must carry a zone ('Z' or an offset).
     *
     * @throws DateTimeParseException if unparseable or naive
     */
    public static Instant parseAware(String text) {
        Instant fast = parseCommon(text, false);
        return fast != null ? fast : parseFormatted(text, false);
    }

    /** Parses an ISO-8601 timestamp; a naive one is taken as UTC (the ingest rule for occurred_at). */
    public static Instant parseAssumingUtc(String text) {
        Instant fast = parseCommon(text, true);
        return fast != null ? fast : parseFormatted(text, true);
    }

    /** Every shape {@link #ISO} reads; a naive time is UTC if {@code naiveIsUtc}, else an error. */
    static Instant parseFormatted(String text, boolean naiveIsUtc) {
        TemporalAccessor t = ISO.parse(text);
        if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
            return OffsetDateTime.from(t).toInstant();
        }
        if (!naiveIsUtc) {
            throw new DateTimeParseException("timestamp has no timezone", text, 0);
        }
        return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
    }

    /**
     * The shapes agents send, parsed by hand: {@code YYYY-MM-DD}, 'T' or ' ', {@code HH:MM:SS},
     * optionally '.' and 1 to 9 fraction digits, then 'Z', {@code +HH:MM} or {@code -HH:MM}, or
     * nothing when {@code naiveIsUtc}. Every field in its plain range. Anything else returns null
     * and goes to the formatter, which decides (and words the error): ingest parses every event's
     * time and every frame's ts, and the formatter took 7% of the brain's CPU at 15,000 events/s.
     * {@code TimestampsTest} checks that both agree.
     */
    static Instant parseCommon(String s, boolean naiveIsUtc) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i++) - '0');
            }
            int count = i - start;
            if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n) {
            if (!naiveIsUtc) {
                return null;
            }
            offsetSeconds = 0;
        } else if (s.charAt(i) == 'Z' && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 17 || om < 0 || om > 59) {
                return null;
            }
            offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long epochSecond = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The decimal value of {@code count} ASCII digits from {@code at}, or -1 if any is not one. */
    private static int digits(String s, int at, int count) {
        int v = 0;
        for (int k = at; k < at + count; k++) {
            char c = s.charAt(k);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
