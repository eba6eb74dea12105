package dev.z4j.brain.ingress.api;

import java.time.DateTimeException;
import java.time.ZoneId;

/** Field checks that answer 422 naming the field and the rule. */
final class Check {
    private Check() {}

    /** Required text of {@code min..max} characters (after strip when {@code strip}). */
    static String text(String field, String value, int min, int max) throws ApiError {
        if (value == null) {
            throw ApiError.validation(field, "is required");
        }
        return length(field, value, min, max);
    }

    /** Optional text: null stays null. */
    static String optional(String field, String value, int max) throws ApiError {
        return value == null ? null : length(field, value, 0, max);
    }

    private static String length(String field, String value, int min, int max) throws ApiError {
        int n = value.codePointCount(0, value.length());
        if (n < min || n > max) {
            throw ApiError.validation(field, min == max ? "must be " + min + " characters"
                    : "must be " + min + ".." + max + " characters");
        }
        return value;
    }

    static String timezone(String field, String value) throws ApiError {
        if (value == null) {
            return "UTC";
        }
        try {
            ZoneId.of(value);
            return value;
        } catch (DateTimeException e) {
            throw ApiError.validation(field, "is not a known time zone");
        }
    }

    static String role(String field, String value) throws ApiError {
        if (!"viewer".equals(value) && !"operator".equals(value) && !"admin".equals(value)) {
            throw ApiError.validation(field, "must be one of viewer, operator, admin");
        }
        return value;
    }

    static String email(String field, String value) throws ApiError {
        text(field, value, 3, 320);
        String normalised = Emails.normalise(value);
        if (normalised == null) {
            throw ApiError.validation(field, "is not a valid email address");
        }
        return normalised;
    }
}
