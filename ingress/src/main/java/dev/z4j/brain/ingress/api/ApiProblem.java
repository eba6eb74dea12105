package dev.z4j.brain.ingress.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal with its status and the envelope the original brain answers with:
 * {@code {"error": code, "message": ..., "details": {...}}} (the route layer adds request_id).
 */
public final class ApiProblem extends Exception {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiProblem(int status, String code, String message, Map<String, ?> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : new LinkedHashMap<>(details);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** 422: {@code field} of the request is wrong; the message says how. */
    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(422, "validation_error", field + " " + message, Map.of("field", field));
    }

    public static ApiProblem notFound(String message, Map<String, ?> details) {
        return new ApiProblem(404, "not_found", message, details);
    }

    /** 503: the command's agent is connected nowhere; nothing was stored. */
    public static ApiProblem agentOffline(String agentId) {
        return new ApiProblem(503, "agent_offline", "agent is not connected",
                agentId == null ? Map.of() : Map.of("agent_id", agentId));
    }
}
