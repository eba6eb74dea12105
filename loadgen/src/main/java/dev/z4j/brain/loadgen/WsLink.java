package dev.z4j.brain.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One JDK WebSocket to {@code /ws/agent}: whole inbound messages land in a queue (the connection
 * loop reads it); a close or error lands there as {@link #CLOSED}. Sends are one at a time.
 */
final class WsLink implements AgentSession.Transport {
    static final byte[] CLOSED = new byte[0];

    final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    private volatile String closeReason;
    private WebSocket ws;

    static WsLink open(HttpClient client, URI url, String token, Duration timeout) throws IOException {
        WsLink link = new WsLink();
        try {
            link.ws = client.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .connectTimeout(timeout)
                    .buildAsync(url, link.new Listener())
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IOException("WebSocket connect to " + url + " failed: " + c, c);
        } catch (TimeoutException e) {
            throw new IOException("WebSocket connect to " + url + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting");
        }
        return link;
    }

    @Override
    public void send(byte[] wire) throws IOException {
        try {
            ws.sendBinary(ByteBuffer.wrap(wire), true).get();
        } catch (ExecutionException e) {
            throw new IOException("send failed: " + (e.getCause() == null ? e : e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending");
        }
    }

    /** Why the socket closed (code and reason, or the error), null while open. */
    String closeReason() {
        return closeReason;
    }

    /** Our own normal close; waits briefly for the close frame to go out, then drops the socket. */
    void close() {
        if (ws == null) {
            return;
        }
        try {
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "loadgen done").get(2, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // aborting below anyway
        } finally {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            deliver(b, last, w);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            deliver(data.toString().getBytes(StandardCharsets.UTF_8), last, w);
            return null;
        }

        private void deliver(byte[] chunk, boolean last, WebSocket w) {
            if (last && partial.size() == 0) {
                inbound.add(chunk);
            } else {
                partial.writeBytes(chunk);
                if (last) {
                    inbound.add(partial.toByteArray());
                    partial.reset();
                }
            }
            w.request(1);
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closeReason = "closed by the brain with " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason);
            inbound.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closeReason = "socket error: " + error;
            inbound.add(CLOSED);
        }
    }
}
