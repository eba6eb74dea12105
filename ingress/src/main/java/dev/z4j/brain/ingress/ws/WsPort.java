package dev.z4j.brain.ingress.ws;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.uri.UriFragment;
import io.helidon.common.uri.UriPath;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A listener of its own for one WebSocket path (the agent path), below Helidon. Each accepted
 * socket gets a virtual thread that reads the upgrade request (at most {@link #MAX_HEAD} bytes,
 * complete within the head timeout), answers it exactly as the HTTP port does ({@link Handshake}),
 * and then reads frames through a {@link SocketTransport}. What an idle socket keeps is the
 * point: on the HTTP port Helidon holds an 8 KiB read buffer, its HTTP/1 connection objects and
 * ten more parked stack frames per socket for the socket's whole life; here a 512-byte buffer.
 * Anything but an upgrade to the path gets a precise HTTP status and the connection ends.
 */
public final class WsPort implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WsPort.class.getName());
    /** What an idle socket on this port keeps to read into (the capacity report quotes it). */
    public static final int READ_BUFFER_BYTES = SocketTransport.BUFFER;
    /** Largest request head accepted (Helidon's default header limit on the HTTP port). */
    static final int MAX_HEAD = 16 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final ServerSocketChannel server;
    private final WsEndpoint endpoint;
    private final WsEndpoints upgrades;
    private final SocketOptions options;
    private final long headTimeoutMillis;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Counter headTimeouts;
    private final Counter headTooLarge;
    private final Counter badRequests;
    private final Counter notFound;
    private final Thread acceptor;
    private volatile boolean closing;

    private WsPort(ServerSocketChannel server, WsEndpoint endpoint, WsEndpoints upgrades, SocketOptions options,
                   Duration headTimeout, MeterRegistry metrics) {
        this.server = server;
        this.endpoint = endpoint;
        this.upgrades = upgrades;
        this.options = options;
        this.headTimeoutMillis = headTimeout.toMillis();
        this.headTimeouts = refused(metrics, "header_timeout");
        this.headTooLarge = refused(metrics, "head_too_large");
        this.badRequests = refused(metrics, "bad_request");
        this.notFound = refused(metrics, "not_found");
        this.acceptor = Thread.ofPlatform().daemon().name("z4j-ws-port-acceptor").unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code host:port} (0: any free port) and starts accepting.
     *
     * @param endpoint    the one path served
     * @param upgrades    the HTTP port's WebSocket layer, whose close timer and timeout are shared
     * @param options     the options every accepted socket gets (the HTTP port's)
     * @param backlog     the accept queue
     * @param headTimeout the whole upgrade request must arrive within this
     */
    public static WsPort start(String host, int port, int backlog, WsEndpoint endpoint, WsEndpoints upgrades,
                               SocketOptions options, Duration headTimeout, MeterRegistry metrics) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.socket().setReuseAddress(true); // as Helidon binds: sockets in TIME_WAIT do not block a restart
            server.bind(new InetSocketAddress(host, port), backlog);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        WsPort p = new WsPort(server, endpoint, upgrades, options, headTimeout, metrics);
        p.acceptor.start();
        return p;
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    private static Counter refused(MeterRegistry metrics, String reason) {
        return Counter.builder("z4j_http_requests_refused_total").tag("reason", reason)
                .description("HTTP requests refused before routing").register(metrics);
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return; // close()
            } catch (IOException e) {
                // e.g. out of file descriptors: the connections already open go on; try again shortly
                LOG.log(Level.WARNING, "agent port: accept failed: " + e.getMessage());
                sleepQuietly();
                continue;
            }
            open.add(channel);
            Thread.ofVirtual().name("z4j-ws-port socket").start(() -> serve(channel));
        }
    }

    private void serve(SocketChannel channel) {
        try {
            options.configureSocket(channel);
            WsConnection connection = upgrade(channel);
            if (connection != null) {
                connection.run(); // the upgrade's frame and everything it read are gone by now
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "agent port: connection ended", e);
        } finally {
            open.remove(channel);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Reads and answers the upgrade request; the connection to run, or null when it was refused. */
    private WsConnection upgrade(SocketChannel channel) throws IOException {
        Socket socket = channel.socket();
        InputStream in = socket.getInputStream();
        byte[] head = new byte[1024];
        int length = 0;
        int scanned = 0; // where the search for the blank line resumes: a slow client costs linear time
        int end;
        long deadline = System.nanoTime() + headTimeoutMillis * 1_000_000;
        while ((end = indexOf(head, scanned, length, END_OF_HEAD)) < 0) {
            scanned = Math.max(0, length - END_OF_HEAD.length + 1);
            if (length == MAX_HEAD) {
                headTooLarge.increment();
                refuse(socket, Handshake.refuse("431 Request Header Fields Too Large", "",
                        "the upgrade request is larger than " + MAX_HEAD + " bytes"));
                return null;
            }
            if (length == head.length) {
                head = Arrays.copyOf(head, Math.min(MAX_HEAD, head.length * 2));
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                headTimeouts.increment();
                return null; // like the HTTP port: the connection just ends
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n;
            try {
                n = in.read(head, length, head.length - length);
            } catch (SocketTimeoutException e) {
                headTimeouts.increment();
                return null;
            }
            if (n < 0) {
                return null; // the peer left before finishing its request
            }
            length += n;
        }
        socket.setSoTimeout(0); // from here on the agent's heartbeats and the gateway's idle timeout rule
        Request request = Request.parse(new String(head, 0, end, StandardCharsets.ISO_8859_1));
        if (request == null) {
            badRequests.increment();
            refuse(socket, Handshake.refuse("400 Bad Request", "", "not an HTTP/1.1 request head"));
            return null;
        }
        if (!request.prologue().uriPath().path().equals(endpoint.path())) {
            notFound.increment();
            refuse(socket, Handshake.refuse("404 Not Found", "",
                    "this port serves only WebSocket upgrades to " + endpoint.path()));
            return null;
        }
        Handshake.Answer answer = Handshake.answer(endpoint, request.prologue(), request.headers());
        if (!answer.accepted()) {
            refuse(socket, answer);
            return null;
        }
        socket.getOutputStream().write(answer.response());
        SocketTransport transport = new SocketTransport(channel, head, end + END_OF_HEAD.length, length);
        return new WsConnection(transport, request.prologue(), answer.listener(), endpoint, upgrades.closeTimer(),
                upgrades.closeTimeout());
    }

    /**
     * Writes the refusal, then reads and drops what the client still sends (at most 64 KiB, 1 s)
     * before the connection is closed: closing with unread bytes would send a TCP reset, which
     * can destroy the answer before the client has read it (a 431 arrives while the head is still
     * being sent).
     */
    private static void refuse(Socket socket, Handshake.Answer answer) throws IOException {
        socket.getOutputStream().write(answer.response());
        socket.shutdownOutput(); // FIN after the answer: the client reads it, then sees the end
        socket.setSoTimeout(1000);
        byte[] drop = new byte[4096];
        InputStream in = socket.getInputStream();
        try {
            for (int total = 0, n; total < 64 * 1024 && (n = in.read(drop)) >= 0; total += n) {
                // dropped
            }
        } catch (SocketTimeoutException e) {
            // the client did not close in time: the connection ends anyway
        }
    }

    private static int indexOf(byte[] bytes, int from, int length, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** An upgrade request's head, parsed: request line and header fields (RFC 9112 2-5). */
    record Request(HttpPrologue prologue, WritableHeaders<?> headers) {
        /** Null when it is not an HTTP/1.1 request head. */
        static Request parse(String head) {
            String[] lines = head.split("\r\n", -1);
            String[] line = lines[0].split(" ", -1);
            if (line.length != 3 || !line[2].equals("HTTP/1.1") || !isToken(line[0]) || !line[1].startsWith("/")
                    || !visible(line[1])) {
                return null;
            }
            String target = line[1];
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? "" : target.substring(q + 1);
            WritableHeaders<?> headers = WritableHeaders.create();
            for (int i = 1; i < lines.length; i++) {
                String field = lines[i];
                int colon = field.indexOf(':');
                String value = field.substring(colon + 1).strip();
                if (colon <= 0 || !isToken(field.substring(0, colon)) || !fieldValue(value)) {
                    return null; // no name, a space before the colon, a folded line, a bare CR or LF
                }
                headers.add(HeaderNames.create(field.substring(0, colon)), value);
            }
            HttpPrologue prologue;
            try {
                prologue = HttpPrologue.create("HTTP/1.1", "HTTP", "1.1", Method.create(line[0]),
                        UriPath.create(path), query.isEmpty() ? UriQuery.empty() : UriQuery.create(query),
                        UriFragment.empty());
                prologue.uriPath().path(); // decoded now: a bad percent escape is this request's 400, not later
            } catch (IllegalArgumentException e) {
                return null;
            }
            return new Request(prologue, headers);
        }

        /** A request target: visible ASCII only. */
        private static boolean visible(String s) {
            return s.chars().allMatch(c -> c >= '!' && c <= '~');
        }

        /** A field value: visible characters, spaces and tabs (no CR, LF or other controls). */
        private static boolean fieldValue(String s) {
            return s.chars().allMatch(c -> c == '\t' || (c >= ' ' && c != 0x7F));
        }

        private static boolean isToken(String s) {
            if (s.isEmpty()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and cuts every socket still open (the gateway has closed its agents by then). */
    @Override
    public void close() {
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "agent port: closing the listener", e);
        }
        for (SocketChannel channel : open) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // cutting anyway
            }
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
