package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard built into the jar, over plain HTTP: the page at / and at the dashboard's own
 * paths (never cached), its files under a content-hashed path (cached for a year, gzipped when
 * asked), every module the page imports present, and other paths still the server's JSON 404.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltInDashboardTest {
    private static final Pattern ASSET = Pattern.compile("(/assets/z4j/[0-9a-f]{16}/)[A-Za-z0-9_./-]+\\.(?:js|css)");
    private static final Pattern IMPORT = Pattern.compile("(?:from|import\\()\\s*[\"'`]\\./([^\"'`$]+)[\"'`]");
    private final HttpClient http = HttpClient.newHttpClient();
    private BrainFixture brain;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST);
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    private HttpResponse<byte[]> get(String path, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + brain.port() + path));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void thePageIsServedAtTheRootAndAtTheDashboardsPathsAndNeverCached() throws Exception {
        for (String path : List.of("/", "/login", "/home", "/p/default/tasks", "/p/default/tasks/celery/a%2Fb",
                "/api-keys", "/pipeline")) {
            HttpResponse<byte[]> r = get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as(path).hasValue("text/html; charset=utf-8");
            assertThat(r.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            assertThat(text(r)).as(path).contains("<script type=\"module\" src=\"/assets/z4j/").contains("id=\"view\"");
        }
        // what this server is moved to /about
        assertThat(text(get("/about", null))).contains("<h1>z4j brain</h1>").contains(Brain.BRAIN_VERSION);
    }

    @Test
    void filesLiveUnderOneContentHashAreImmutableAndGzipped() throws Exception {
        String page = text(get("/", null));
        Matcher m = ASSET.matcher(page);
        assertThat(m.find()).as(page).isTrue();
        String prefix = m.group(1);

        // Every module the page loads, and every module those import, is served.
        List<String> todo = new ArrayList<>(List.of("app.js", "app.css", "vendor/uPlot.iife.min.js", "vendor/uPlot.min.css"));
        List<String> seen = new ArrayList<>();
        while (!todo.isEmpty()) {
            String file = todo.removeFirst();
            if (seen.contains(file)) {
                continue;
            }
            seen.add(file);
            HttpResponse<byte[]> plain = get(prefix + file, null);
            assertThat(plain.statusCode()).as(file).isEqualTo(200);
            assertThat(plain.headers().firstValue("Cache-Control")).as(file).hasValue("public, max-age=31536000, immutable");
            assertThat(plain.headers().firstValue("Content-Encoding")).as(file).isEmpty();
            assertThat(plain.headers().firstValue("Vary")).as(file).hasValue("Accept-Encoding");
            HttpResponse<byte[]> gz = get(prefix + file, "gzip, deflate, br");
            assertThat(gz.headers().firstValue("Content-Encoding")).as(file).hasValue("gzip");
            byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
            assertThat(unzipped).as(file).isEqualTo(plain.body());
            assertThat(gz.body().length).as(file).isLessThan(plain.body().length);
            if (file.endsWith(".js")) {
                assertThat(plain.headers().firstValue("Content-Type")).as(file).hasValue("text/javascript; charset=utf-8");
                String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
                Matcher imports = IMPORT.matcher(text(plain));
                while (imports.find()) {
                    todo.add(Path.of(dir + imports.group(1)).normalize().toString());
                }
            }
        }
        assertThat(seen).contains("api.js", "ui.js", "live.js");
        for (String p : BuiltInDashboard.FILES) {
            assertThat(get(prefix + p, null).statusCode()).as(p).isEqualTo(200);
        }

        // Another build's hash, or a file that is not ours: the JSON 404.
        for (String missing : List.of("/assets/z4j/0000000000000000/app.js", prefix + "nope.js", prefix + "../app.js",
                "/assets/z4j/", "/nowhere", "/p")) {
            HttpResponse<byte[]> r = get(missing, null);
            assertThat(r.statusCode()).as(missing).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).as(missing).hasValue("application/json");
        }
    }
}
