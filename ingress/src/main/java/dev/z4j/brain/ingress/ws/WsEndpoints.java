package dev.z4j.brain.ingress.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsUpgradeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final HeaderName KEY = HeaderNames.create("Sec-WebSocket-Key");
    private static final HeaderName VERSION = HeaderNames.create("Sec-WebSocket-Version");

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
        if (!Method.GET.equals(prologue.method())
                || !headers.first(HeaderNames.CONNECTION).orElse("").toLowerCase(Locale.ROOT).contains("upgrade")) {
            return refuse(ctx, "400 Bad Request", "", "a WebSocket upgrade is a GET with Connection: Upgrade");
        }
        if (!"13".equals(headers.first(VERSION).orElse(null))) {
            return refuse(ctx, "426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version must be 13");
        }
        String key = headers.first(KEY).orElse(null);
        if (!validKey(key)) {
            return refuse(ctx, "400 Bad Request", "", "Sec-WebSocket-Key must be 16 bytes in base64");
        }
        WsListener listener = endpoint.listeners().get();
        Optional<Headers> extra;
        try {
            extra = listener.onHttpUpgrade(prologue, headers);
        } catch (WsUpgradeException e) {
            return refuse(ctx, "403 Forbidden", "", e.getMessage());
        }
        StringBuilder response = new StringBuilder(256)
                .append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(accept(key)).append("\r\n");
        // No Sec-WebSocket-Extensions: permessage-deflate is declined, so RSV bits must stay 0.
        extra.ifPresent(h -> h.forEach(header -> response.append(header.name()).append(": ")
                .append(header.get()).append("\r\n")));
        response.append("\r\n");
        ctx.dataWriter().writeNow(BufferData.create(response.toString().getBytes(StandardCharsets.US_ASCII)));
        // Helidon's HTTP/1 loop keeps the request headers reachable (a local of its frame, under
        // ours) for as long as the socket lives: empty them, so an idle socket does not carry its
        // whole upgrade request (bearer token included) until it closes.
        headers.clear();
        return new WsConnection(ctx, prologue, listener, endpoint, closeTimer, closeTimeout);
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.strip()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code base64(sha1(key + GUID))} (RFC 6455 4.2.2). */
    static String accept(String key) {
        try {
            MessageDigest sha1 = (MessageDigest) SHA1.clone();
            return Base64.getEncoder().encodeToString(
                    sha1.digest((key.strip() + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-1 digests of every JDK are cloneable", e);
        }
    }

    // MessageDigest.getInstance finds the algorithm through Provider.getService, which caches the
    // last lookup in a ThreadLocal: on the socket's virtual thread, a ThreadLocalMap (about 200
    // bytes) kept for the life of every WebSocket (seen in a heap dump of 2,000 idle agents).
    // Clones of one digest whose provider is already chosen never look anything up.
    private static final MessageDigest SHA1 = sha1();

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    /** Answers a bad upgrade with a precise HTTP status and ends the connection. */
    private static ServerConnection refuse(ConnectionContext ctx, String status, String extraHeaders, String why) {
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\n" + extraHeaders
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        ctx.dataWriter().writeNow(BufferData.create(head.getBytes(StandardCharsets.US_ASCII)));
        ctx.dataWriter().writeNow(BufferData.create(body));
        return new Refused();
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
