package dev.z4j.brain.ops;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The brain's own dashboard, served from the jar: plain HTML, CSS and ES modules under
 * {@code dashboard/} plus uPlot from its WebJar. Everything is read, hashed and gzipped once at
 * start. Files live under {@code /assets/z4j/<hash>/} where the hash covers every file, so they
 * are cached for a year as immutable and a new build changes every URL at once; the page itself
 * ({@code index.html}, at {@code /} and at each of the dashboard's own paths) is never cached.
 * Any other path is a JSON 404 like the rest of the server's.
 */
final class BuiltInDashboard implements Handler {
    static final String ASSETS = "/assets/z4j/";
    /** The dashboard's own paths (its router's), answered with index.html. */
    static final List<String> PAGES = List.of("/login", "/home", "/p/", "/api-keys", "/pipeline");
    /** Resource files, relative to {@code dashboard/}; the modules import each other relatively. */
    static final List<String> FILES = List.of("app.css", "app.js", "api.js", "live.js", "ui.js",
            "pages/login.js", "pages/home.js", "pages/overview.js", "pages/tasks.js", "pages/task.js",
            "pages/commands.js", "pages/workers.js", "pages/queues.js", "pages/agents.js", "pages/audit.js",
            "pages/apikeys.js", "pages/pipeline.js");
    /** uPlot (see README, Dashboard): the minified browser build and its stylesheet. */
    static final Map<String, String> VENDOR = Map.of(
            "vendor/uPlot.iife.min.js", "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
            "vendor/uPlot.min.css", "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "html", "text/html; charset=utf-8");

    /** One file as sent: its bytes, and gzipped when that is smaller. */
    record Asset(String type, byte[] plain, byte[] gzip) {}

    private final String version;
    private final Map<String, Asset> assets;
    private final Asset index;

    private BuiltInDashboard(String version, Map<String, Asset> assets, Asset index) {
        this.version = version;
        this.assets = assets;
        this.index = index;
    }

    /** Reads every file from the class path; a missing one is a broken build, so it fails the start. */
    static BuiltInDashboard load() {
        Map<String, byte[]> raw = new LinkedHashMap<>();
        for (String f : FILES) {
            raw.put(f, resource("dashboard/" + f));
        }
        VENDOR.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> raw.put(e.getKey(), resource(e.getValue())));
        byte[] template = resource("dashboard/index.html");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(template);
        raw.forEach((name, bytes) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update(bytes);
        });
        String version = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        Map<String, Asset> assets = new LinkedHashMap<>();
        raw.forEach((name, bytes) -> assets.put(name, asset(type(name), bytes)));
        String page = new String(template, StandardCharsets.UTF_8)
                .replace("%ASSETS%", ASSETS + version)
                .replace("%VERSION%", HomePage.VERSION);
        return new BuiltInDashboard(version, assets, asset(TYPES.get("html"), page.getBytes(StandardCharsets.UTF_8)));
    }

    /** The path prefix of this build's files. */
    String assetPrefix() {
        return ASSETS + version + "/";
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Method method = req.prologue().method();
        if (method != Method.GET && method != Method.HEAD) {
            res.next();
            return;
        }
        String path = req.path().path();
        if (path.startsWith(ASSETS)) {
            String rest = path.substring(ASSETS.length());
            int slash = rest.indexOf('/');
            Asset a = slash < 0 || !rest.substring(0, slash).equals(version) ? null : assets.get(rest.substring(slash + 1));
            if (a == null) {
                DashboardFiles.notFound(req, res); // another build's file, or none
                return;
            }
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
            send(req, res, a);
        } else if (path.equals("/") || PAGES.stream().anyMatch(p -> path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/"))) {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            send(req, res, index);
        } else {
            DashboardFiles.notFound(req, res);
        }
    }

    private static void send(ServerRequest req, ServerResponse res, Asset a) {
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        res.header(HeaderValues.create(HeaderNames.VARY, "Accept-Encoding"));
        boolean gzip = a.gzip() != null && req.headers().value(HeaderNames.ACCEPT_ENCODING)
                .map(v -> v.toLowerCase(Locale.ROOT).contains("gzip")).orElse(false);
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(a.gzip());
        } else {
            res.send(a.plain());
        }
    }

    private static Asset asset(String type, byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] gzip = out.toByteArray();
        return new Asset(type, plain, gzip.length < plain.length ? gzip : null);
    }

    private static String type(String name) {
        return TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
    }

    private static byte[] resource(String name) {
        try (InputStream in = BuiltInDashboard.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
