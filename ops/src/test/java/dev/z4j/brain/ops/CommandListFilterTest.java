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
    void aCommandForNoAgentOfTheProjectIs404AndStoresNothingWhileABadBodyIs422First() throws Exception {
        String unknown = java.util.UUID.randomUUID().toString();
        var missing = brain.post("/api/v1/projects/default/commands", "{\"agent_id\":\"" + unknown
                + "\",\"action\":\"retry_task\",\"target\":{\"type\":\"task\",\"id\":\"celery:t9\"}}", brain.adminKey());
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("message").asText()).isEqualTo("agent not found in this project");
        // The agent is checked by the insert, after the body: an invalid body is named first, as
        // the original's request validation does before its handler runs.
        var invalid = brain.post("/api/v1/projects/default/commands", "{\"agent_id\":\"" + unknown
                + "\",\"action\":\"no_such_action\",\"target\":{\"type\":\"task\",\"id\":\"celery:t9\"}}", brain.adminKey());
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
        assertThat(JSON.readTree(invalid.body()).get("details").get("field").asText()).isEqualTo("action");
        JsonNode all = JSON.readTree(brain.get("/api/v1/projects/default/commands", brain.adminKey()).body());
        assertThat(all.get("items")).noneMatch(c -> c.get("agent_id").asText().equals(unknown));
    }

    @Test
    void everyStatusACommandCanHaveFiltersAndAnyOtherIsRefusedByName() throws Exception {
        TestAgent agent = brain.newAgent("filter");
        var issued = brain.post("/api/v1/projects/default/commands", "{\"agent_id\":\"" + agent.agentId
                + "\",\"action\":\"retry_task\",\"target\":{\"type\":\"task\",\"id\":\"celery:t1\"}}", brain.adminKey());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(202);
        String id = JSON.readTree(issued.body()).get("id").asText();

        JsonNode pending = JSON.readTree(list("pending").body());
        assertThat(pending.get("items")).extracting(c -> c.get("id").asText()).containsExactly(id);
        assertThat(pending.get("next_cursor").isNull()).isTrue();
        // 'cancelled' is a status the original lists (nothing sets it): it filters, to nothing
        for (String status : List.of("dispatched", "completed", "failed", "timeout", "cancelled")) {
            HttpResponse<String> res = list(status);
            assertThat(res.statusCode()).as(status).isEqualTo(200);
            assertThat(JSON.readTree(res.body()).get("items")).as(status).isEmpty();
        }

        for (String bad : List.of("PENDING", "done")) {
            HttpResponse<String> res = list(bad);
            assertThat(res.statusCode()).as(bad).isEqualTo(422);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.get("error").asText()).isEqualTo("validation_error");
            assertThat(body.get("details").get("field").asText()).isEqualTo("status");
            assertThat(body.get("message").asText()).as(bad).isEqualTo("status must be one of [cancelled, completed, "
                    + "dispatched, failed, pending, timeout], was '" + bad + "'");
        }
        // An empty query parameter is an absent one (as for every parameter of the operator API).
        HttpResponse<String> empty = list("");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(empty.body()).get("items")).extracting(c -> c.get("id").asText()).containsExactly(id);
    }
}
