package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.z4j.brain.ingress.api.RequestIds;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves a dashboard build ({@code Z4J_DASHBOARD_DIST}) at {@code /}: files under {@code assets/}
 * with a year-long cache (their names are content hashes), any other existing file as is, and
 * {@code index.html} for every other path so the dashboard's own router takes over. Paths that
 * belong to the server (API, sockets, setup, health, ...) are never answered with index.html but
 * with a 404, as is anything that resolves outside the folder.
 */
final class DashboardFiles implements Handler {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Never the dashboard's: a missing route under these is a real 404. */
    static final List<String> RESERVED = List.of("api/", "ws/", "metrics", "assets/", "auth/", "setup", "healthz",
            "ready", "live", ".well-known/", "openapi.json", "docs", "redoc", "health/");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"), Map.entry("webp", "image/webp"), Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"));

    private final Path root;

    DashboardFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (req.prologue().method() != Method.GET && req.prologue().method() != Method.HEAD) {
            res.next();
            return;
        }
        String rel = req.path().path();
        rel = rel.startsWith("/") ? rel.substring(1) : rel;
        Path file = root.resolve(rel).normalize();
        if (!file.startsWith(root)) {
            notFound(req, res);
            return;
        }
        boolean reserved = RESERVED.stream().anyMatch(rel::startsWith);
        if (!rel.isEmpty() && Files.isRegularFile(file) && (!reserved || rel.startsWith("assets/"))) {
            send(res, file, rel.startsWith("assets/"));
        } else if (reserved) {
            notFound(req, res);
        } else {
            send(res, root.resolve("index.html"), false);
        }
    }

    private static void send(ServerResponse res, Path file, boolean immutable) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = TYPES.getOrDefault(dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT),
                "application/octet-stream");
        res.header(HeaderNames.CONTENT_TYPE, type);
        if (immutable) {
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
        } else {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
            res.header(HeaderNames.PRAGMA, "no-cache");
            res.header(HeaderNames.EXPIRES, "0");
        }
        try {
            res.send(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void notFound(ServerRequest req, ServerResponse res) {
        String requestId = RequestIds.of(req.headers());
        ObjectNode body = JSON.createObjectNode();
        body.put("error", "not_found");
        body.put("message", "no route for GET " + req.path().path());
        body.put("request_id", requestId);
        body.putObject("details");
        res.status(Status.NOT_FOUND_404).header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(RequestIds.HEADER, requestId).send(body.toString());
    }
}
