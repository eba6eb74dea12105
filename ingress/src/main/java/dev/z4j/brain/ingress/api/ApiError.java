package dev.z4j.brain.ingress.api;

import io.helidon.http.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal rendered as {@code {"error": code, "message", "request_id", "details"}} with its status.
 * The codes are the original brain's, so clients key on them (e.g. {@code csrf_mismatch} retries).
 */
public final class ApiError extends Exception {
    public final Status status;
    public final String code;
    public final Map<String, Object> details;

    public ApiError(Status status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : details;
    }

    /** Alternating key, value pairs (values may be null). */
    static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static ApiError validation(String field, String message) {
        return new ApiError(Status.UNPROCESSABLE_CONTENT_422, "validation_error", field + ": " + message,
                details("field", field, "reason", message));
    }

    public static ApiError unauthenticated(String message, String reason) {
        return new ApiError(Status.UNAUTHORIZED_401, "unauthenticated", message,
                reason == null ? Map.of() : details("reason", reason));
    }

    public static ApiError forbidden(String message, Object... details) {
        return new ApiError(Status.FORBIDDEN_403, "forbidden", message, details(details));
    }

    public static ApiError notFound(String message, Object... details) {
        return new ApiError(Status.NOT_FOUND_404, "not_found", message, details(details));
    }

    public static ApiError conflict(String message, Object... details) {
        return new ApiError(Status.CONFLICT_409, "conflict", message, details(details));
    }

    public static ApiError rateLimited(String name) {
        return new ApiError(Status.TOO_MANY_REQUESTS_429, "rate_limited",
                "too many requests; please try again in a minute (" + name + ")", details("limit", name));
    }

    public static ApiError badRequest(String message, Object... details) {
        return new ApiError(Status.BAD_REQUEST_400, "bad_request", message, details(details));
    }
}
