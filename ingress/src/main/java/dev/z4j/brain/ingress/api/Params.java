package dev.z4j.brain.ingress.api;

import dev.z4j.brain.ingress.StorableText;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Query and path parameters as the original validates them; a bad value is a 422 naming it. */
public final class Params {
    /** Page sizes: 1..5000 accepted, then clamped to 500; 50 when absent. */
    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_ACCEPTED_PAGE = 5000;
    public static final int MAX_PAGE = 500;

    private Params() {}

    public static int limit(ApiRequest req) throws ApiProblem {
        return Math.min(MAX_PAGE, integer(req, "limit", DEFAULT_PAGE, 1, MAX_ACCEPTED_PAGE));
    }

    /** An integer query parameter in [min, max], {@code absent} when not given. */
    public static int integer(ApiRequest req, String name, int absent, int min, int max) throws ApiProblem {
        String raw = req.query(name);
        if (raw == null) {
            return absent;
        }
        try {
            int v = Integer.parseInt(raw.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalid(name, "must be an integer " + min + ".." + max + ", was '" + brief(raw) + "'");
    }

    /** A text query parameter of at most {@code max} characters, or null when absent or empty. */
    public static String text(ApiRequest req, String name, int max) throws ApiProblem {
        String raw = req.query(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        return storable(name, raw, max);
    }

    /** {@code value} if it has at most {@code max} characters and can be stored as is. */
    public static String storable(String field, String value, int max) throws ApiProblem {
        if (value.codePointCount(0, value.length()) > max) {
            throw ApiProblem.invalid(field, "is longer than " + max + " characters");
        }
        String problem = StorableText.problem(value);
        if (problem != null) {
            throw ApiProblem.invalid(field, problem);
        }
        return value;
    }

    /** An ISO-8601 time with or without offset (without: UTC), or null when absent. */
    public static Instant time(ApiRequest req, String name) throws ApiProblem {
        String raw = req.query(name);
        return raw == null || raw.isEmpty() ? null : time(name, raw);
    }

    public static Instant time(String field, String raw) throws ApiProblem {
        String s = raw.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw ApiProblem.invalid(field, "must be an ISO-8601 date-time, was '" + brief(raw) + "'");
            }
        }
    }

    /** A UUID path or body value. */
    public static UUID uuid(String field, String raw) throws ApiProblem {
        if (raw != null) {
            try {
                if (raw.length() == 36) {
                    return UUID.fromString(raw);
                }
            } catch (IllegalArgumentException e) {
                // answered below
            }
        }
        throw ApiProblem.invalid(field, "must be a UUID, was '" + brief(raw) + "'");
    }

    static String brief(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
