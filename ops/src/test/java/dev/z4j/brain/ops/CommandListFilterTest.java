package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands list filter accepts the statuses a command can have, and refuses any other value by name (422). */
class CommandListFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;
    static BrainFixture brain;

    @BeforeAll
    static void startBrain() throws Exception {
        brain = BrainFixture.start(BrainFixture.Db.SQLITE, home, Map.of());
    }

    @AfterAll
    static void stopBrain() {
        brain.close();
    }

    private static HttpResponse<String> list(String status) throws Exception {
        return brain.get("/api/v1/projects/default/commands?status=" + URLEncoder.encode(status, StandardCharsets.UTF_8),
                brain.adminKey());
    }

    @Test
    void everyLifecycleStatusFiltersAndCancelledIsRefusedByName() throws Exception {
        TestAgent agent = brain.newAgent("filter");
        var issued = brain.post("/api/v1/projects/default/commands", "{\"agent_id\":\"" + agent.agentId
                + "\",\"action\":\"retry_task\",\"target\":{\"type\":\"task\",\"id\":\"celery:t1\"}}", brain.adminKey());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(202);
        String id = JSON.readTree(issued.body()).get("id").asText();

        JsonNode pending = JSON.readTree(list("pending").body()).get("commands");
        assertThat(pending).extracting(c -> c.get("id").asText()).containsExactly(id);
        for (String status : List.of("dispatched", "completed", "failed", "timeout")) {
            HttpResponse<String> res = list(status);
            assertThat(res.statusCode()).as(status).isEqualTo(200);
            assertThat(JSON.readTree(res.body()).get("commands")).as(status).isEmpty();
        }

        // Nothing ever sets 'cancelled': a filter on it would silently match nothing.
        for (String bad : List.of("cancelled", "PENDING", "nope")) {
            HttpResponse<String> res = list(bad);
            assertThat(res.statusCode()).as(bad).isEqualTo(422);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.get("error").asText()).as(bad).isEqualTo("validation_error");
            assertThat(body.get("message").asText()).as(bad)
                    .isEqualTo("status: unknown status '" + bad + "'; supported: [completed, dispatched, failed, pending, timeout]");
            assertThat(body.path("details").path("field").asText()).as(bad).isEqualTo("status");
        }
        // An empty query parameter is an absent one (as for every parameter of the operator API).
        HttpResponse<String> empty = list("");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(empty.body()).get("commands")).extracting(c -> c.get("id").asText()).containsExactly(id);
    }
}
