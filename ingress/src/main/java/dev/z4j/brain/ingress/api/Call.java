package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.z4j.brain.ingress.StorableText;
import dev.z4j.brain.store.Projects;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** One request as a handler sees it: who calls, the resolved project, typed access to the input. */
public final class Call {
    private static final Logger LOG = Logger.getLogger(Call.class.getName());

    public final ServerRequest request;
    public final ServerResponse response;
    public final Caller caller;
    public final String requestId;
    public final String ip;
    public final Instant now;
    /** The project of a {@code {slug}} route, already checked for existence and role; else null. */
    public final Projects.ProjectRecord project;
    /** The caller's effective role in {@link #project} ({@code admin} for global admins); else null. */
    public final String role;

    Call(ServerRequest request, ServerResponse response, Caller caller, String requestId, String ip, Instant now,
         Projects.ProjectRecord project, String role) {
        this.request = request;
        this.response = response;
        this.caller = caller;
        this.requestId = requestId;
        this.ip = ip;
        this.now = now;
        this.project = project;
        this.role = role;
    }

    public String userAgent() {
        return request.headers().first(io.helidon.http.HeaderNames.USER_AGENT)
                .map(ua -> ua.length() > 500 ? ua.substring(0, 500) : ua).orElse(null);
    }

    public String path(String name) {
        return request.path().pathParameters().get(name);
    }

    /** A path parameter that must be a UUID; anything else is 422 naming it. */
    public UUID pathUuid(String name) throws ApiError {
        try {
            return UUID.fromString(path(name));
        } catch (IllegalArgumentException e) {
            throw ApiError.validation(name, "must be a UUID");
        }
    }

    public Optional<String> query(String name) {
        return request.query().first(name).asOptional().filter(s -> !s.isEmpty());
    }

    /** An integer query parameter within [min, max] (422 outside), or {@code dflt} when absent. */
    public int queryInt(String name, int dflt, int min, int max) throws ApiError {
        Optional<String> raw = query(name);
        if (raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v < min || v > max) {
                throw ApiError.validation(name, "must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiError.validation(name, "must be an integer");
        }
    }

    /** The body as {@code type}; a malformed body or a value of the wrong type is 422 naming the field. */
    public <T> T body(Class<T> type) throws ApiError {
        JsonNode tree = bodyTree();
        try {
            return Json.MAPPER.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            throw ApiError.validation(field(e), "has the wrong JSON type");
        } catch (JsonMappingException e) {
            throw ApiError.validation(field(e), rootMessage(e));
        } catch (JsonProcessingException e) {
            throw ApiError.validation("body", "is not valid JSON");
        }
    }

    /** The body as a JSON object tree (for PATCH, where absent and null differ); text must be storable. */
    public JsonNode bodyTree() throws ApiError {
        byte[] bytes = bytes();
        JsonNode n;
        try {
            n = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw ApiError.validation("body", "is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw ApiError.validation("body", "must be a JSON object");
        }
        for (var field : n.properties()) {
            String keyProblem = StorableText.problem(field.getKey());
            if (keyProblem != null) {
                throw ApiError.validation("body", "has a key that " + keyProblem);
            }
            StorableText.checkTree(field.getKey(), field.getValue());
        }
        return n;
    }

    private static String field(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "body" : path;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ApiErrorCarrier c ? c.getMessage() : "is not valid";
    }

    /** Thrown from a shape's compact constructor to name the problem (Jackson wraps it). */
    public static final class ApiErrorCarrier extends IllegalArgumentException {
        public ApiErrorCarrier(String message) {
            super(message);
        }
    }

    private byte[] bytes() {
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try {
            return request.content().as(byte[].class);
        } catch (DataReader.InsufficientDataAvailableException | UncheckedIOException e) {
            LOG.log(Level.FINE, "client went away while sending the body of {0} {1}",
                    new Object[] {request.prologue().method().text(), request.path().rawPath()});
            throw new CloseConnectionException("client went away while sending the request body", e);
        }
    }
}
