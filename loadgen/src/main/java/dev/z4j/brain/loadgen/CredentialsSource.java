package dev.z4j.brain.loadgen;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Gets the N agents of a run: from a credentials file, or minted through the brain's REST API. */
final class CredentialsSource {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MINT_CONCURRENCY = 8;

    private CredentialsSource() {}

    static List<AgentCredentials> readFile(Path file) throws IOException {
        List<AgentCredentials> list = JSON.readValue(file.toFile(), new TypeReference<List<AgentCredentials>>() {});
        for (AgentCredentials c : list) {
            c.requireComplete(file.toString());
        }
        return list;
    }

    static void writeFile(Path file, List<AgentCredentials> creds) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), creds);
    }

    /** Mints {@code count} agents named {@code loadgen-<run>-<i>} with a few requests in flight at once. */
    static List<AgentCredentials> mint(URI restBase, String adminKey, String project, String runId, int count)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(restBase + "/api/v1/projects/" + project + "/agents");
        Semaphore inFlight = new Semaphore(MINT_CONCURRENCY);
        List<Future<AgentCredentials>> futures = new ArrayList<>(count);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                String name = "loadgen-" + runId + "-" + i;
                futures.add(ex.submit(() -> {
                    inFlight.acquire();
                    try {
                        return mintOne(http, uri, adminKey, name);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            List<AgentCredentials> out = new ArrayList<>(count);
            for (Future<AgentCredentials> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    private static AgentCredentials mintOne(HttpClient http, URI uri, String adminKey, String name) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("name", name));
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 201) {
            String text = resp.body() == null ? "" : resp.body();
            throw new IOException("minting agent " + name + " at " + uri + ": HTTP " + resp.statusCode() + " "
                    + (text.length() > 300 ? text.substring(0, 300) : text));
        }
        AgentCredentials c = JSON.readValue(resp.body(), AgentCredentials.class);
        c.requireComplete("mint response");
        return c;
    }
}
