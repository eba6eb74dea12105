package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a browser, a curl user, a too-big upload and a slow or vanishing client see: a home page at
 * /, JSON error envelopes (with the request id) for unknown paths, 413 for bodies over the limit, closed connections for request heads
 * that never finish, and one DEBUG line (not a WARNING with a stack trace) for a peer that left.
 */
class HttpSurfaceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MAX_BODY = 1_048_576;

    @TempDir
    static Path home;
    static BrainFixture brain;

    @BeforeAll
    static void startBrain() throws Exception {
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, Map.of("Z4J_HTTP_HEADER_TIMEOUT_SECONDS", "1"));
    }

    @AfterAll
    static void stopBrain() {
        brain.close();
    }

    @Test
    void aboutSaysWhatThisServerIsAndWhereToGo() throws Exception {
        HttpResponse<String> res = brain.get("/about", null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(res.body()).contains("z4j brain").contains(Brain.BRAIN_VERSION).contains("UP")
                .contains("href=\"/metrics\"").contains("href=\"/health/ready\"")
                .contains("/api/v1/projects/{slug}/agents").contains("/ws/agent");
    }

    @Test
    void unknownPathsAnswerJsonErrors() throws Exception {
        for (String path : List.of("/api/v1/nope", "/api/v2/projects", "/api", "/nowhere")) {
            HttpResponse<String> res = brain.get(path, brain.adminKey());
            assertThat(res.statusCode()).as(path).isEqualTo(404);
            assertThat(res.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.path("error").asText()).as(path).isEqualTo("not_found");
            assertThat(body.path("message").asText()).as(path).contains("GET " + path);
            assertThat(body.path("request_id").asText()).as(path).isNotBlank()
                    .isEqualTo(res.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(body.path("details").isObject()).as(path).isTrue();
        }
        // the caller's X-Request-Id (when sane) is the one echoed, in the body and the header
        HttpResponse<String> traced = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + brain.port() + "/api/v1/projects"))
                .header("X-Request-Id", "trace-42.a").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(traced.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(traced.body()).path("request_id").asText()).isEqualTo("trace-42.a");
        assertThat(traced.headers().firstValue("X-Request-Id")).hasValue("trace-42.a");
        HttpResponse<String> wrongMethod = brain.post("/api/v1/projects/default/stats", "{}", brain.adminKey());
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(wrongMethod.body()).has("error")).isTrue();
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
        double before = brain.metric("z4j_http_errors_total{status=\"413\"}");
        String head = "POST /api/v1/projects/default/agents HTTP/1.1\r\nHost: test\r\n"
                + "Authorization: Bearer " + brain.adminKey() + "\r\nContent-Type: application/json\r\n";
        // Announced length over the limit: refused from the headers, the body is never buffered.
        Answer declared = exchange(head + "Content-Length: " + (DEFAULT_MAX_BODY + 1) + "\r\n\r\n{\"name\":\"");
        assertThat(declared.status()).isEqualTo(413);
        assertThat(JSON.readTree(declared.body()).path("error").asText()).isEqualTo("payload_too_large");
        assertThat(JSON.readTree(declared.body()).path("message").asText()).contains("Z4J_HTTP_MAX_BODY_BYTES");
        // Chunked, no length: refused as soon as the chunks add up to more than the limit.
        Answer chunked = exchange(head + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(DEFAULT_MAX_BODY + 1) + "\r\n{\"name\":\"");
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(JSON.readTree(chunked.body()).path("message").asText()).contains("Z4J_HTTP_MAX_BODY_BYTES");
        assertThat(brain.metric("z4j_http_errors_total{status=\"413\"}")).isEqualTo(before + 2);
        // A body within the limit is still read and judged on its content.
        HttpResponse<String> big = brain.post("/api/v1/projects/default/agents",
                "{\"name\":\"" + "n".repeat(500_000) + "\"}", brain.adminKey());
        assertThat(big.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(big.body()).path("message").asText()).isEqualTo("name: must be 1..200 characters");
    }

    @Test
    void aRequestHeadThatNeverCompletesIsCut() throws Exception {
        double before = brain.metric("z4j_http_requests_refused_total{reason=\"header_timeout\"}");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), brain.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: test\r\nX-Slow: 1\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // The server closes the socket (end of stream or reset) well before our 10 s read timeout.
            assertThat(readUntilClosed(s.getInputStream())).isTrue();
        }
        assertThat(brain.metric("z4j_http_requests_refused_total{reason=\"header_timeout\"}")).isEqualTo(before + 1);
    }

    @Test
    void aClientLeavingMidRequestIsOneDebugLineNotAWarningWithAStackTrace() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        Logger peerGone = Logger.getLogger(PeerGoneFilter.class.getName());
        Logger restApi = Logger.getLogger("dev.z4j.brain.ingress.api.Call");
        Level peerGoneLevel = peerGone.getLevel();
        Level restApiLevel = restApi.getLevel();
        root.addHandler(capture);
        peerGone.setLevel(Level.FINE);
        restApi.setLevel(Level.FINE);
        try {
            String auth = "Authorization: Bearer " + brain.adminKey() + "\r\n";
            // gone mid-headers, gone mid-body (declared length), gone mid-chunk
            hangUpAfter("GET /api/v1/projects/default/stats HTTP/1.1\r\nHost: test\r\n" + auth);
            hangUpAfter("POST /api/v1/projects/default/agents HTTP/1.1\r\nHost: test\r\n" + auth
                    + "Content-Length: 1000\r\n\r\n{\"name\":");
            hangUpAfter("POST /api/v1/projects/default/agents HTTP/1.1\r\nHost: test\r\n" + auth
                    + "Transfer-Encoding: chunked\r\n\r\n100\r\n{\"name\":");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(records.stream()
                    .filter(r -> r.getLevel() == Level.FINE && r.getMessage().contains("client went away"))
                    .count()).isEqualTo(3));
            assertThat(records).noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue());
            assertThat(records).allMatch(r -> r.getThrown() == null);
        } finally {
            root.removeHandler(capture);
            peerGone.setLevel(peerGoneLevel);
            restApi.setLevel(restApiLevel);
        }
    }

    // ------------------------------------------------------------------ raw HTTP/1.1

    record Answer(int status, String body) {}

    /** Writes {@code request} (possibly an unfinished one) and reads one answer, by its Content-Length. */
    private static Answer exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), brain.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before the answer's headers: " + head);
                }
                head.write(b);
            }
            String headers = head.toString(StandardCharsets.ISO_8859_1);
            int length = headers.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                    .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(headers.substring(9, 12)), body);
        }
    }

    private static boolean readUntilClosed(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever the server says before closing
            }
            return true;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void hangUpAfter(String partialRequest) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), brain.port())) {
            s.getOutputStream().write(partialRequest.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
        }
    }
}
