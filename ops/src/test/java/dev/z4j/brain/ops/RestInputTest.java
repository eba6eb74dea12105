package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Text the database cannot hold as sent (a NUL byte; an unpaired surrogate, which the drivers
 * would store as '?') is a 400 naming the field, on PostgreSQL and SQLite alike: not a 503
 * "database unavailable", not a false 409 "already exists", and nothing is stored.
 */
class RestInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(BrainFixture.Db.class)
    void unstorableTextIsA400NamingTheField(BrainFixture.Db db) throws Exception {
        try (BrainFixture brain = BrainFixture.start(db, home, Map.of())) {
            String key = brain.adminKey();
            long agentsBefore = brain.count("SELECT count(*) FROM agents");

            // The operator reads answer a slug that cannot name a project as the original does: not found.
            HttpResponse<String> stats = brain.get("/api/v1/projects/de%00fault/stats", key);
            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(404);
            assertThat(JSON.readTree(stats.body()).path("error").asText()).isEqualTo("not_found");
            assertThat(JSON.readTree(stats.body()).path("details").path("slug").asText()).isEqualTo("de\u0000fault");
            assertBadRequest(brain.post("/api/v1/projects/de%00fault/agents", "{\"name\":\"w\"}", key), "slug");

            assertBadRequest(brain.post("/api/v1/projects/default/agents", "{\"name\":\"a\\u0000b\"}", key), "name");
            assertBadRequest(brain.post("/api/v1/projects/default/agents", "{\"name\":\"lone\\ud800\"}", key), "name");
            assertBadRequest(brain.post("/api/v1/projects/default/agents", "{\"name\":\"\\udc00lone\"}", key), "name");
            assertThat(brain.count("SELECT count(*) FROM agents")).isEqualTo(agentsBefore);

            TestAgent agent = brain.newAgent("commands-target");
            String command = "{\"agent_id\":\"" + agent.agentId + "\",\"action\":\"cancel_task\","
                    + "\"target\":{\"type\":\"task\",\"id\":%s},\"parameters\":%s}";
            assertBadRequest(brain.post("/api/v1/projects/default/commands",
                    command.formatted("\"celery:a\\u0000b\"", "{}"), key), "target.id");
            assertBadRequest(brain.post("/api/v1/projects/default/commands",
                    command.formatted("\"celery:x\"", "{\"queue\":[\"ok\",\"\\ud800\"]}"), key), "parameters.queue[1]");
            assertBadRequest(brain.post("/api/v1/projects/default/commands",
                    command.formatted("\"celery:x\"", "{\"k\\u0000\":1}"), key), "parameters");
            assertThat(brain.count("SELECT count(*) FROM commands")).isZero();

            // Text that is fine, including a real surrogate pair, is stored exactly as sent.
            HttpResponse<String> emoji = brain.post("/api/v1/projects/default/agents",
                    "{\"name\":\"worker \\ud83d\\ude80\"}", key);
            assertThat(emoji.statusCode()).isEqualTo(201);
            assertThat(brain.text("SELECT name FROM agents WHERE name LIKE 'worker %'")).isEqualTo("worker \uD83D\uDE80");
            // and a real duplicate is still the 409 it always was
            HttpResponse<String> again = brain.post("/api/v1/projects/default/agents",
                    "{\"name\":\"worker \\ud83d\\ude80\"}", key);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(again.body()).path("error").asText()).contains("already exists");
        }
    }

    private static void assertBadRequest(HttpResponse<String> res, String field) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("error").asText()).as(res.body()).startsWith(field);
    }
}
