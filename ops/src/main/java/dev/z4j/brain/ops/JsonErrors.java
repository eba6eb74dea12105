package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.ingress.api.RequestIds;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The answers Helidon gives by itself (no route, body too large, unreadable request, internal
 * error) in the same envelope as the operator API: {@code {"error","message","request_id","details"}}
 * as application/json, with a message that says what to do, the request id in {@code X-Request-Id},
 * and a metric per status. An unknown route is always a 404, never a 401.
 */
final class JsonErrors implements DirectHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxBodyBytes;
    private final MeterRegistry metrics;

    private JsonErrors(int maxBodyBytes, MeterRegistry metrics) {
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    static DirectHandlers handlers(int maxBodyBytes, MeterRegistry metrics) {
        JsonErrors json = new JsonErrors(maxBodyBytes, metrics);
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            b.addHandler(type, json);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        Counter.builder("z4j_http_errors_total").tag("status", String.valueOf(status.code()))
                .description("HTTP errors answered by the server itself (no route, too large, malformed, internal)")
                .register(metrics).increment();
        String requestId = headers.first(RequestIds.HEADER).orElseGet(() -> RequestIds.of(request.headers()));
        ObjectNode body = JSON.createObjectNode();
        body.put("error", code(status));
        body.put("message", message(request, status, message));
        body.put("request_id", requestId);
        body.putObject("details");
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(RequestIds.HEADER, requestId);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(body.toString())
                .keepAlive(eventType.keepAlive() && status.code() < 500 && status.code() != 413)
                .build();
    }

    static String code(Status status) {
        return switch (status.code()) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 500 -> "internal_error";
            default -> status.code() >= 500 ? "internal_error" : "bad_request";
        };
    }

    private String message(TransportRequest request, Status status, String helidonMessage) {
        String what = request.method().isEmpty() ? "request" : request.method() + " " + request.path();
        return switch (status.code()) {
            case 404 -> "no route for " + what + "; GET /api/v1/openapi.json lists the API";
            case 405 -> what + " is not allowed on this path";
            case 413 -> "request body larger than " + maxBodyBytes + " bytes (Z4J_HTTP_MAX_BODY_BYTES)";
            case 500 -> "internal error while handling " + what + "; the server log has the details";
            default -> helidonMessage == null || helidonMessage.isBlank()
                    ? status.reasonPhrase().toLowerCase(java.util.Locale.ROOT)
                    : helidonMessage;
        };
    }
}
