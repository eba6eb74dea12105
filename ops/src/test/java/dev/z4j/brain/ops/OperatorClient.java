package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A browser as the dashboard uses the API, with plain HTTP: a cookie jar, {@code X-CSRF-Token}
 * copied from the CSRF cookie on every non-GET request, JSON in and out. Or a script with a key.
 */
final class OperatorClient {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Environment that makes operator tests quick: cheap argon2, no login pacing, plain-HTTP cookies. */
    static final Map<String, String> FAST = Map.of(
            "Z4J_ENVIRONMENT", "dev",
            "Z4J_ARGON2_TIME_COST", "1", "Z4J_ARGON2_MEMORY_COST", "1024", "Z4J_ARGON2_PARALLELISM", "1",
            "Z4J_LOGIN_MIN_DURATION_MS", "0", "Z4J_LOGIN_BACKOFF_MAX_MS", "0",
            "Z4J_BOOTSTRAP_ADMIN_EMAIL", "admin@example.com", "Z4J_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD());

    static String ADMIN_PASSWORD() {
        return "Adm1n-Passw0rd!";
    }

    final int port;
    final CookieManager jar = new CookieManager();
    final HttpClient http;
    final String bearer;
    boolean sendCsrf = true;

    private OperatorClient(int port, String bearer) {
        this.port = port;
        this.bearer = bearer;
        this.http = HttpClient.newBuilder().cookieHandler(jar).build();
    }

    static OperatorClient anonymous(int port) {
        return new OperatorClient(port, null);
    }

    static OperatorClient withKey(int port, String key) {
        return new OperatorClient(port, key);
    }

    /** Logs in (200 expected) and returns the signed-in browser. */
    static OperatorClient login(int port, String email, String password) throws Exception {
        OperatorClient c = anonymous(port);
        HttpResponse<String> r = c.post("/api/v1/auth/login",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"remember_me\":false}");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + r.statusCode() + " " + r.body());
        }
        return c;
    }

    String cookie(String name) {
        return jar.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    HttpResponse<String> patch(String path, String body) throws IOException, InterruptedException {
        return send("PATCH", path, body);
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        String csrf = cookie("z4j_csrf");
        if (sendCsrf && !method.equals("GET") && csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
