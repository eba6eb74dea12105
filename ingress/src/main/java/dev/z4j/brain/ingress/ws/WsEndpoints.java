package dev.z4j.brain.ingress.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The server side of our WebSocket paths (RFC 6455), in place of Helidon's WebSocket module,
 * which answers no ping, writes an HTTP 500 into the upgraded stream on an unknown opcode,
 * decodes invalid UTF-8 silently, and never tells the listener when the peer just disappears.
 * Here every frame is checked and every failure reaches the listener at once (see
 * {@link WsConnection}). Install with {@link #selector(Http1Config)} as the server's HTTP/1 connection
 * selector; requests to other paths are left to HTTP routing.
 */
public final class WsEndpoints implements Http1Upgrader {
    private final Map<String, WsEndpoint> byPath;
    /** Aborts sockets whose peer does not answer our close frame; shared by all connections. */
    private final ScheduledExecutorService closeTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "z4j-ws-close-timer");
        t.setDaemon(true);
        return t;
    });
    private final Duration closeTimeout;

    /** @param closeTimeout how long a peer gets to answer our close frame before the TCP connection is cut */
    public WsEndpoints(List<WsEndpoint> endpoints, Duration closeTimeout) {
        this.byPath = endpoints.stream().collect(Collectors.toUnmodifiableMap(WsEndpoint::path, Function.identity()));
        this.closeTimeout = closeTimeout;
    }

    public WsEndpoints(List<WsEndpoint> endpoints) {
        this(endpoints, Duration.ofSeconds(5));
    }

    /**
     * The HTTP/1 connection selector that upgrades our paths (for {@code
     * WebServer.builder().addConnectionSelector}). It serves every HTTP/1 connection, so it takes
     * the server's HTTP/1 settings (limits, receive listeners such as the header timeout).
     */
    public ServerConnectionSelector selector(Http1Config http1) {
        return Http1ConnectionSelector.builder().config(http1).addUpgrader(this).build();
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    /** Null (plain HTTP routing) for paths that are not ours; otherwise the handshake, or an HTTP error. */
    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        WsEndpoint endpoint = byPath.get(prologue.uriPath().path());
        if (endpoint == null) {
            return null;
        }
        Handshake.Answer answer = Handshake.answer(endpoint, prologue, headers);
        ctx.dataWriter().writeNow(BufferData.create(answer.response()));
        return answer.accepted()
                ? new WsConnection(new HelidonTransport(ctx), prologue, answer.listener(), endpoint, closeTimer, closeTimeout)
                : new Refused();
    }

    /** Aborts sockets whose peer does not answer our close frame. */
    ScheduledExecutorService closeTimer() {
        return closeTimer;
    }

    Duration closeTimeout() {
        return closeTimeout;
    }

    /** After a refused upgrade: nothing more to read; returning from handle ends the connection. */
    private static final class Refused implements ServerConnection {
        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) {
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
        }
    }

    /** Stops the close timer (sockets still open are cut by the server's own shutdown). */
    public void close() {
        closeTimer.shutdownNow();
    }
}
