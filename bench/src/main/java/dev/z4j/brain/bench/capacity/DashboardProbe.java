package dev.z4j.brain.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An operator's /ws/dashboard socket subscribed to one project; stamps each task.changed notice on arrival. */
final class DashboardProbe implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<Long> taskNotices = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;

    DashboardProbe(String wsUrl, String adminKey, String project) {
        ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + adminKey)
                .buildAsync(URI.create(wsUrl + "/ws/dashboard"), this).join();
        ws.sendText("{\"type\":\"subscribe\",\"project_id\":\"" + project + "\"}", true).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            try {
                JsonNode m = JSON.readTree(partial.toString());
                if ("event".equals(m.path("type").asText()) && "task.changed".equals(m.path("topic").asText())) {
                    taskNotices.add(now);
                }
            } catch (IOException e) {
                throw new IllegalStateException("dashboard sent a message that is not JSON", e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    /** Forgets notices received so far (the next probe must see its own). */
    void clear() {
        taskNotices.clear();
    }

    /** Arrival time (nanoTime) of the next task.changed notice, or null after {@code timeout}. */
    Long nextTaskNotice(Duration timeout) throws InterruptedException {
        return taskNotices.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
