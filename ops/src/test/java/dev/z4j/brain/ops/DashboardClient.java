package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** An operator's /ws/dashboard socket for tests: subscribes to one project and records messages. */
final class DashboardClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean reading = true;
    private WebSocket ws;

    /** {@code auth} is "Bearer KEY" (header) or "ticket=T" (query parameter, as browsers do). */
    static DashboardClient open(int port, String auth) {
        DashboardClient c = new DashboardClient();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        String uri = "ws://127.0.0.1:" + port + "/ws/dashboard";
        if (auth.startsWith("Bearer ")) {
            b.header("Authorization", auth);
        } else {
            uri += "?" + auth;
        }
        c.ws = b.buildAsync(URI.create(uri), c).join();
        return c;
    }

    /** A browser's socket: the given headers (e.g. Cookie and Origin), no Authorization. */
    static DashboardClient openWith(int port, java.util.Map<String, String> headers) {
        DashboardClient c = new DashboardClient();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        c.ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/dashboard"), c).join();
        return c;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                received.add(JSON.readTree(partial.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
        }
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    /** Stops asking for more messages: the socket stops being read, like a hung browser tab. */
    void stopReading() {
        reading = false;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    List<JsonNode> received() {
        return received;
    }

    CompletableFuture<Integer> closed() {
        return closed;
    }

    /** The close frame's reason, once {@link #closed()} completed with a code. */
    String closeReason() {
        return closeReason;
    }

    void subscribe(String projectRef) {
        ws.sendText("{\"type\":\"subscribe\",\"project_id\":\"" + projectRef + "\"}", true).join();
    }

    boolean ready() {
        return received.stream().anyMatch(m -> "ready".equals(m.path("type").asText()));
    }

    /** Event notices of {@code topic} (about {@code subject}, an agent or command id, if not null). */
    long count(String topic, String subject) {
        return received.stream().filter(m -> "event".equals(m.path("type").asText())
                && topic.equals(m.path("topic").asText())
                && (subject == null || subject.equals(m.path("id").asText()))).count();
    }

    /** Sum of the counts of {@code topic} notices (coalesced notices carry how many changes they stand for). */
    long sum(String topic) {
        return received.stream().filter(m -> topic.equals(m.path("topic").asText()))
                .mapToLong(m -> m.path("count").asLong()).sum();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
