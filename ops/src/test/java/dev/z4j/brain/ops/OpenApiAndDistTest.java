package dev.z4j.brain.ops;

import static dev.z4j.brain.ops.OperatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** openapi.json describes exactly the routes that are served; a dashboard build is served at /. */
class OpenApiAndDistTest {
    @TempDir
    Path home;
    @TempDir
    Path dist;

    @Test
    void openApiListsEveryRouteWithItsRoleAndShapes() throws Exception {
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, OperatorClient.FAST)) {
            JsonNode doc = json(OperatorClient.anonymous(brain.port()).get("/api/v1/openapi.json"));
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
            int operations = 0;
            for (var path : (Iterable<Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
                operations += path.getValue().size();
            }
            assertThat(operations).isEqualTo(brain.brain().api().routes().size());
            JsonNode mint = doc.get("paths").get("/projects/{slug}/agents").get("post");
            assertThat(mint.get("x-minimum-role").asText()).isEqualTo("admin");
            assertThat(mint.get("x-api-key-scope").asText()).isEqualTo("agents:write");
            assertThat(mint.get("responses").has("201")).isTrue();
            assertThat(doc.get("paths").get("/auth/me").get("get").get("x-minimum-role").asText()).isEqualTo("signed_in");
            JsonNode agent = doc.get("components").get("schemas").get("AgentPublic");
            assertThat(agent.get("required")).hasSize(16);
            assertThat(agent.get("properties").get("engine_adapters").get("type").asText()).isEqualTo("array");
            assertThat(agent.get("properties").get("last_seen_at").get("anyOf").get(1).get("type").asText()).isEqualTo("null");
            // every route the table declares answers (is registered): none falls through to "no route"
            for (var route : brain.brain().api().routes()) {
                String path = "/api/v1" + route.toString().substring(route.toString().indexOf(' ') + 1)
                        .replace("{slug}", "default").replaceAll("\\{[a-z_]+}", "00000000-0000-0000-0000-000000000000");
                HttpResponse<String> r = OperatorClient.withKey(brain.port(), brain.adminKey())
                        .send(route.toString().substring(0, route.toString().indexOf(' ')), path, "{}");
                assertThat(r.body()).as(route.toString()).doesNotContain("no route for");
            }
        }
    }

    @Test
    void aDashboardBuildIsServedWithTheIndexFallback() throws Exception {
        Files.writeString(dist.resolve("index.html"), "<!doctype html><div id=\"root\"></div>");
        Files.writeString(dist.resolve("favicon.svg"), "<svg/>");
        Files.createDirectories(dist.resolve("assets"));
        Files.writeString(dist.resolve("assets/app-1a2b3c.js"), "console.log(1)");
        Files.writeString(home.resolve("secret.txt"), "outside");
        Map<String, String> env = new HashMap<>(OperatorClient.FAST);
        env.put("Z4J_DASHBOARD_DIST", dist.toString());
        try (BrainFixture brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, env)) {
            OperatorClient c = OperatorClient.anonymous(brain.port());
            for (String spa : new String[] {"/", "/login", "/projects/default/tasks/celery/abc", "/settings/account"}) {
                HttpResponse<String> r = c.get(spa);
                assertThat(r.statusCode()).as(spa).isEqualTo(200);
                assertThat(r.body()).as(spa).contains("<div id=\"root\">");
                assertThat(r.headers().firstValue("Cache-Control")).as(spa).hasValue("no-cache, no-store, must-revalidate");
            }
            HttpResponse<String> asset = c.get("/assets/app-1a2b3c.js");
            assertThat(asset.body()).isEqualTo("console.log(1)");
            assertThat(asset.headers().firstValue("Cache-Control").orElseThrow()).contains("immutable");
            assertThat(asset.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
            assertThat(c.get("/favicon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
            for (String reserved : new String[] {"/assets/missing.js", "/api/v1/nope", "/ws/nope", "/metricsx",
                    "/auth/x", "/.well-known/x", "/docs", "/%2e%2e/secret.txt"}) {
                HttpResponse<String> r = c.get(reserved);
                assertThat(r.statusCode()).as(reserved).isEqualTo(404);
                assertThat(r.body()).as(reserved).doesNotContain("id=\"root\"").doesNotContain("outside");
            }
            assertThat(c.get("/api/v1/health").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(c.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(c.get("/setup").statusCode()).isEqualTo(404); // provisioned: no setup page
        }
    }
}
