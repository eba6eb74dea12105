package dev.z4j.brain.ingress.api;

import io.helidon.http.Method;
import io.helidon.http.Status;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * One operator API route, declared once: method, path (under /api/v1), who may call it, the
 * request and response shapes and a summary. {@link RouteTable} both registers it with Helidon and
 * describes it in {@code openapi.json}, so the documentation cannot drift from the routing.
 *
 * <pre>
 * Route.get("/projects/{slug}/agents", Tag.AGENTS, Need.VIEWER)
 *      .summary("The project's agents, newest first")
 *      .returns(Shape.listOf(ApiShapes.AgentPublic.class))
 *      .handle(agents::list);
 * </pre>
 */
public final class Route {

    /** Produces the response body (a shape record, list, tree, {@link Reply}, or null for 204). */
    @FunctionalInterface
    public interface Handler {
        Object handle(Call call) throws Exception;
    }

    final Method method;
    final String path;
    final Tag tag;
    final Need need;
    String summary = "";
    Type request;
    Type response;
    Status status = Status.OK_200;
    boolean csrf = true;
    String[] query = new String[0];
    Handler handler;

    private Route(Method method, String path, Tag tag, Need need) {
        this.method = method;
        this.path = path;
        this.tag = tag;
        this.need = need;
        if (need.projectRole() && !path.contains("{slug}")) {
            throw new IllegalArgumentException(path + ": a project role needs a {slug} in the path");
        }
    }

    public static Route get(String path, Tag tag, Need need) {
        return new Route(Method.GET, path, tag, need);
    }

    public static Route post(String path, Tag tag, Need need) {
        return new Route(Method.POST, path, tag, need);
    }

    public static Route patch(String path, Tag tag, Need need) {
        return new Route(Method.PATCH, path, tag, need);
    }

    public static Route delete(String path, Tag tag, Need need) {
        return new Route(Method.DELETE, path, tag, need).status(Status.NO_CONTENT_204);
    }

    public Route summary(String text) {
        this.summary = text;
        return this;
    }

    /** The JSON body this route reads (documented; parse it with {@link Call#body(Class)}). */
    public Route accepts(Type type) {
        this.request = type;
        return this;
    }

    public Route returns(Type type) {
        this.response = type;
        return this;
    }

    public Route status(Status status) {
        this.status = status;
        return this;
    }

    /** Query parameters, documented as optional strings. */
    public Route query(String... names) {
        this.query = names;
        return this;
    }

    /** Login and setup: a browser has no CSRF token before it has a session. */
    public Route noCsrf() {
        this.csrf = false;
        return this;
    }

    public Route handle(Handler handler) {
        this.handler = Objects.requireNonNull(handler);
        return this;
    }

    boolean mutates() {
        return method != Method.GET && method != Method.HEAD && method != Method.OPTIONS;
    }

    @Override
    public String toString() {
        return method.text() + " " + path;
    }
}
