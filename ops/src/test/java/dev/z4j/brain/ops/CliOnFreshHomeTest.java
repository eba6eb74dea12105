package dev.z4j.brain.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every CLI command works on a Z4J_HOME the server has never seen; --json is one object per line. */
class CliOnFreshHomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<String, String> freshHome(String name) {
        Map<String, String> env = new HashMap<>(BrainFixture.baseEnv(BrainFixture.Db.SQLITE, tmp.resolve(name)));
        env.remove("Z4J_SECRET"); // as a newcomer: generated into Z4J_HOME on first use
        return env;
    }

    @Test
    void agentsCreateOnAFreshHomePrintsOneJsonObjectPerAgentPerLine() throws Exception {
        Map<String, String> env = freshHome("agents");
        Run r = run(env, "agents", "create", "--project", "default", "--name", "w", "--count", "3", "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            JsonNode agent = JSON.readTree(line);
            assertThat(agent.isObject()).isTrue();
            assertThat(agent.path("token").asText()).isNotBlank();
            assertThat(agent.path("agent_id").asText()).isNotBlank();
            assertThat(agent.path("hmac_secret").asText()).isNotBlank();
            assertThat(agent.path("project").asText()).isEqualTo("default");
            names.add(agent.path("name").asText());
        }
        assertThat(names).containsExactly("w-1", "w-2", "w-3");

        // The server's first start on that home still creates and prints the one admin key.
        Brain brain = Brain.start(BrainConfig.fromEnv(new HashMap<>(env)));
        try {
            assertThat(brain.bootstrapAdminKey()).isPresent();
        } finally {
            brain.close();
        }
    }

    @Test
    void everyCommandWorksOnAFreshHome() {
        assertThat(run(freshHome("migrate"), "migrate").exit()).isZero();
        Run project = run(freshHome("projects"), "projects", "create", "shop");
        assertThat(project.exit()).as(project.err()).isZero();
        assertThat(project.out()).startsWith("project shop ");
        Run key = run(freshHome("keys"), "admin-keys", "create");
        assertThat(key.exit()).as(key.err()).isZero();
        assertThat(key.out().strip()).startsWith("z4k_");
        Run text = run(freshHome("text"), "agents", "create", "--project", "default", "--name", "solo");
        assertThat(text.exit()).as(text.err()).isZero();
        // the lines a z4j agent reads from its environment, as the dashboard shows them
        assertThat(text.out()).contains("Z4J_BRAIN_URL=http://").contains("Z4J_TOKEN=")
                .contains("Z4J_HMAC_SECRET=").containsPattern("Z4J_PROJECT_ID=[0-9a-f-]{36}");
    }

    @Test
    void agentsCreateTellsTheAgentThePublicUrlWhenOneIsSet() {
        Map<String, String> env = freshHome("public");
        env.put("Z4J_PUBLIC_URL", "https://brain.example.com");
        Run r = run(env, "agents", "create", "--project", "default", "--name", "solo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Z4J_BRAIN_URL=https://brain.example.com\n");
    }

    @Test
    void helpTouchesNothing() {
        Map<String, String> env = freshHome("help");
        Run r = run(env, "help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("agents create");
        assertThat(Files.exists(Path.of(env.get("Z4J_HOME")))).isFalse();
    }

    @Test
    void aNameTheDatabaseCannotHoldIsABadUsageNamingTheOption() {
        Run r = run(freshHome("nul"), "agents", "create", "--project", "default", "--name", "a\0b");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("name").contains("NUL");
        Run project = run(freshHome("nul-project"), "projects", "create", "shop", "--name", "lone \uD800");
        assertThat(project.exit()).isEqualTo(2);
        assertThat(project.err()).contains("--name").contains("surrogate");
        Run key = run(freshHome("nul-key"), "admin-keys", "create", "--name", "k\0");
        assertThat(key.exit()).isEqualTo(2);
        assertThat(key.err()).contains("--name").contains("NUL");
    }
}
