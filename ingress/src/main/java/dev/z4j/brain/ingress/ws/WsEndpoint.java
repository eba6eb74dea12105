package dev.z4j.brain.ingress.ws;

import io.helidon.websocket.WsListener;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One WebSocket path.
 *
 * @param path            exact request path, e.g. {@code /ws/agent}
 * @param listeners       a new listener per socket
 * @param maxMessageBytes a message (one frame or the sum of its fragments) larger than this is
 *                        refused before its payload is read
 * @param tooLargeCode    the close code for such a message (the endpoint's convention)
 */
public record WsEndpoint(String path, Supplier<WsListener> listeners, int maxMessageBytes, int tooLargeCode) {
    public WsEndpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(listeners, "listeners");
        if (maxMessageBytes < 125) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 125, was " + maxMessageBytes);
        }
    }
}
