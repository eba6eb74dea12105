package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a handler reads of an HTTP request: path parameters, decoded query parameters and the body.
 * Independent of the HTTP server, so handlers can be called from any route table (and from tests).
 */
public record ApiRequest(Map<String, String> path, Map<String, List<String>> query, byte[] body) {
    public ApiRequest {
        path = Map.copyOf(path);
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }

    public static ApiRequest of(Map<String, String> path, Map<String, List<String>> query) {
        return new ApiRequest(path, query, new byte[0]);
    }

    public String path(String name) {
        return path.get(name);
    }

    /** The first value of a query parameter, or null when absent. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The body as a JSON object ({} when empty); anything else is a 422 naming the body. */
    public ObjectNode json() throws ApiProblem {
        if (body.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiProblem.invalid("body", "is not valid JSON");
        }
        if (!(n instanceof ObjectNode o)) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        return o;
    }
}
