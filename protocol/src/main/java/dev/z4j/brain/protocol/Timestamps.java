package dev.z4j.brain.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
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
        TemporalAccessor t = ISO.parse(text);
        if (!t.isSupported(ChronoField.OFFSET_SECONDS)) {
            throw new DateTimeParseException("timestamp has no timezone", text, 0);
        }
        return OffsetDateTime.from(t).toInstant();
    }

    /** Parses an ISO-8601 timestamp; a naive one is taken as UTC (the ingest rule for occurred_at). */
    public static Instant parseAssumingUtc(String text) {
        TemporalAccessor t = ISO.parse(text);
        if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
            return OffsetDateTime.from(t).toInstant();
        }
        return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
