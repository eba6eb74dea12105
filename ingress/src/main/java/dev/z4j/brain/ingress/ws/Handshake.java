package dev.z4j.brain.ingress.ws;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsUpgradeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The server's half of the opening handshake (RFC 6455 4.2) for one endpoint, whichever port the
 * request came in on: the checks, the endpoint's listener's own verdict ({@code onHttpUpgrade}),
 * and the exact bytes to answer with.
 */
final class Handshake {
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final HeaderName KEY = HeaderNames.create("Sec-WebSocket-Key");
    private static final HeaderName VERSION = HeaderNames.create("Sec-WebSocket-Version");

    /** What to write back; {@code listener} is the socket's listener when accepted, null when refused. */
    record Answer(byte[] response, WsListener listener) {
        boolean accepted() {
            return listener != null;
        }
    }

    private Handshake() {}

    static Answer answer(WsEndpoint endpoint, HttpPrologue prologue, WritableHeaders<?> headers) {
        if (!Method.GET.equals(prologue.method())
                || !headers.first(HeaderNames.CONNECTION).orElse("").toLowerCase(Locale.ROOT).contains("upgrade")) {
            return refuse("400 Bad Request", "", "a WebSocket upgrade is a GET with Connection: Upgrade");
        }
        if (!"13".equals(headers.first(VERSION).orElse(null))) {
            return refuse("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version must be 13");
        }
        String key = headers.first(KEY).orElse(null);
        if (!validKey(key)) {
            return refuse("400 Bad Request", "", "Sec-WebSocket-Key must be 16 bytes in base64");
        }
        WsListener listener = endpoint.listeners().get();
        Optional<Headers> extra;
        try {
            extra = listener.onHttpUpgrade(prologue, headers);
        } catch (WsUpgradeException e) {
            return refuse("403 Forbidden", "", e.getMessage());
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
        // The connection's reader may keep the request headers reachable for as long as the socket
        // lives (Helidon's HTTP/1 loop holds them in a frame under ours): empty them, so an idle
        // socket does not carry its whole upgrade request (bearer token included) until it closes.
        headers.clear();
        return new Answer(response.toString().getBytes(StandardCharsets.US_ASCII), listener);
    }

    /** A precise HTTP status and a one-line reason; the connection ends after it. */
    static Answer refuse(String status, String extraHeaders, String why) {
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 " + status + "\r\n" + extraHeaders
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + body.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        return new Answer(response, null);
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
}
