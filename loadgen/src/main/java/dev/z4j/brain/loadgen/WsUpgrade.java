package dev.z4j.brain.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The HTTP/1.1 upgrade of a plain {@code ws://} URL on a non-blocking channel: {@code
 * Authorization: Bearer}, a random {@code Sec-WebSocket-Key}, and a check of the 101 answer
 * (Upgrade, Connection, Sec-WebSocket-Accept). Socket buffer sizes are not touched.
 */
final class WsUpgrade {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    /** The server answered the upgrade with something other than 101. */
    static final class Refused extends IOException {
        final int status;

        Refused(int status, String line) {
            super("upgrade refused: " + line);
            this.status = status;
        }
    }

    /** An open WebSocket: the channel, and any frame bytes that arrived with the 101 headers. */
    record Opened(SocketChannel channel, ByteBuffer leftover) {}

    private WsUpgrade() {}

    static Opened open(URI url, String bearer, Selector selector, long timeoutNanos, RandomGenerator random)
            throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        int port = url.getPort() > 0 ? url.getPort() : 80;
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            if (!ch.connect(new InetSocketAddress(url.getHost(), port))) {
                while (!ch.finishConnect()) {
                    await(ch, selector, SelectionKey.OP_CONNECT, deadline, "connect");
                }
            }
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            String request = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: " + url.getHost() + ":" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + bearer + "\r\n"
                    + "User-Agent: z4j-loadgen asyncio-agent\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    await(ch, selector, SelectionKey.OP_WRITE, deadline, "upgrade request");
                }
            }
            ByteBuffer in = ByteBuffer.allocate(MAX_HEADER_BYTES);
            int end;
            while ((end = headerEnd(in)) < 0) {
                if (!in.hasRemaining()) {
                    throw new IOException("upgrade response headers over " + MAX_HEADER_BYTES + " bytes");
                }
                int n = ch.read(in);
                if (n < 0) {
                    throw new IOException("connection closed during the upgrade");
                }
                if (n == 0) {
                    await(ch, selector, SelectionKey.OP_READ, deadline, "upgrade response");
                }
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            checkResponse(head, key);
            ByteBuffer leftover = ByteBuffer.wrap(in.array(), end + 4, in.position() - end - 4).slice();
            return new Opened(ch, leftover);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void checkResponse(String head, String key) throws IOException {
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        int code;
        try {
            code = status.length >= 2 ? Integer.parseInt(status[1]) : -1;
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code != 101) {
            throw new Refused(code, lines[0]);
        }
        String upgrade = null;
        String connection = null;
        String accept = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            switch (name) {
                case "upgrade" -> upgrade = value;
                case "connection" -> connection = value;
                case "sec-websocket-accept" -> accept = value;
                default -> { }
            }
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new IOException("101 without 'Upgrade: websocket'");
        }
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
            throw new IOException("101 without 'Connection: Upgrade'");
        }
        if (!expectedAccept(key).equals(accept)) {
            throw new IOException("wrong Sec-WebSocket-Accept '" + accept + "'");
        }
    }

    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    /** Index of the blank line ending the headers in {@code in[0, position)}, or -1. */
    private static int headerEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = 3; i < in.position(); i++) {
            if (a[i - 3] == '\r' && a[i - 2] == '\n' && a[i - 1] == '\r' && a[i] == '\n') {
                return i - 3;
            }
        }
        return -1;
    }

    private static void await(SocketChannel ch, Selector selector, int op, long deadline, String what)
            throws IOException {
        SelectionKey key = ch.keyFor(selector);
        if (key == null) {
            key = ch.register(selector, op);
        } else {
            key.interestOps(op);
        }
        try {
            long left = deadline - System.nanoTime();
            if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && System.nanoTime() >= deadline) {
                throw new IOException("timed out during the " + what);
            }
        } finally {
            selector.selectedKeys().clear();
            key.interestOps(0);
        }
    }
}
