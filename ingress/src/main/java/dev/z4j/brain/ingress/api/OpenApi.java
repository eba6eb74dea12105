package dev.z4j.brain.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code openapi.json} (OpenAPI 3.1) from the route table: paths, methods, who may call
 * each route, and schemas derived from the same shape records the handlers serialise.
 */
final class OpenApi {
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    private OpenApi() {}

    static ObjectNode render(List<Route> routes, String version) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "z4j brain operator API");
        info.put("version", version);
        info.put("description", "Session cookie (browsers; CSRF header on writes) or Bearer API key (scripts; "
                + "scope resource:read|write). Errors: {error, message, request_id, details}.");
        doc.putArray("servers").addObject().put("url", "/api/v1");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = Json.MAPPER.createObjectNode();
        ObjectNode components = doc.putObject("components");
        ObjectNode security = components.putObject("securitySchemes");
        security.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", "__Host-z4j_session");
        security.putObject("apiKey").put("type", "http").put("scheme", "bearer");
        schemas.set("Error", errorSchema());
        for (Route r : routes) {
            ObjectNode path = paths.has(r.path) ? (ObjectNode) paths.get(r.path) : paths.putObject(r.path);
            ObjectNode op = path.putObject(r.method.text().toLowerCase(java.util.Locale.ROOT));
            op.put("summary", r.summary);
            op.putArray("tags").add(r.tag.label);
            op.put("x-minimum-role", r.need.name().toLowerCase());
            if (r.tag.resource != null) {
                op.put("x-api-key-scope", r.tag.resource + (r.mutates() ? ":write" : ":read"));
            }
            op.put("x-csrf", r.mutates() && r.csrf && r.need != Need.NOBODY);
            if (r.need == Need.NOBODY) {
                op.putArray("security");
            } else {
                ArrayNode sec = op.putArray("security");
                sec.addObject().putArray("session");
                if (r.tag != Tag.AUTH) {
                    sec.addObject().putArray("apiKey");
                }
            }
            ArrayNode params = op.putArray("parameters");
            Matcher m = PARAM.matcher(r.path);
            while (m.find()) {
                params.addObject().put("name", m.group(1)).put("in", "path").put("required", true)
                        .putObject("schema").put("type", "string");
            }
            for (String q : r.query) {
                params.addObject().put("name", q).put("in", "query").put("required", false)
                        .putObject("schema").put("type", "string");
            }
            if (r.request != null) {
                op.putObject("requestBody").put("required", true).putObject("content")
                        .putObject("application/json").set("schema", schema(r.request, schemas, true));
            }
            ObjectNode responses = op.putObject("responses");
            ObjectNode ok = responses.putObject(String.valueOf(r.status.code()));
            ok.put("description", r.status.reasonPhrase());
            if (r.response != null && r.status.code() != 204) {
                ok.putObject("content").putObject("application/json").set("schema", schema(r.response, schemas, false));
            }
            ObjectNode err = responses.putObject("default");
            err.put("description", "error envelope");
            err.putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", "#/components/schemas/Error");
        }
        components.set("schemas", schemas);
        return doc;
    }

    private static ObjectNode errorSchema() {
        ObjectNode s = Json.MAPPER.createObjectNode().put("type", "object");
        ObjectNode p = s.putObject("properties");
        p.putObject("error").put("type", "string");
        p.putObject("message").put("type", "string");
        p.putObject("request_id").putArray("type").add("string").add("null");
        p.putObject("details").put("type", "object");
        s.putArray("required").add("error").add("message").add("request_id").add("details");
        return s;
    }

    /** {@code input}: a request body, whose keys may be left out (the handler names what is required). */
    static JsonNode schema(Type type, ObjectNode schemas, boolean input) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            s.put("type", "array");
            s.set("items", schema(p.getActualTypeArguments()[0], schemas, input));
            return s;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            return s.put("type", "object");
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return s.put("type", "string");
        }
        if (c == UUID.class) {
            return s.put("type", "string").put("format", "uuid");
        }
        if (c == Instant.class) {
            return s.put("type", "string").put("format", "date-time");
        }
        if (c == boolean.class || c == Boolean.class) {
            return s.put("type", "boolean");
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return s.put("type", "integer");
        }
        if (c == double.class || c == Double.class) {
            return s.put("type", "number");
        }
        if (JsonNode.class.isAssignableFrom(c) || c == Object.class) {
            return s; // any JSON
        }
        if (c.isRecord()) {
            String name = c.getSimpleName();
            if (!schemas.has(name)) {
                schemas.putObject(name); // placeholder: recursion-safe
                ObjectNode obj = Json.MAPPER.createObjectNode().put("type", "object");
                ObjectNode props = obj.putObject("properties");
                ArrayNode required = obj.putArray("required");
                for (RecordComponent rc : c.getRecordComponents()) {
                    String key = SNAKE.translate(rc.getName());
                    JsonNode inner = schema(rc.getGenericType(), schemas, input);
                    if (rc.isAnnotationPresent(ApiShapes.Nullable.class)) {
                        ObjectNode nullable = Json.MAPPER.createObjectNode();
                        nullable.putArray("anyOf").add(inner).addObject().put("type", "null");
                        inner = nullable;
                    }
                    props.set(key, inner);
                    if (!input) {
                        required.add(key); // every key of an answer is always written
                    }
                }
                obj.put("additionalProperties", true);
                schemas.set(name, obj);
            }
            return s.put("$ref", "#/components/schemas/" + name);
        }
        throw new IllegalArgumentException("no schema for " + c);
    }
}
