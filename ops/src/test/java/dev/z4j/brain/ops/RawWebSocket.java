package dev.z4j.brain.ops;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that writes every frame by hand, for what a well-behaved client library
 * will not do: unknown opcodes, invalid UTF-8, odd fragmentation, a TCP reset or a FIN without
 * a close frame. Reads block for at most 10 s.
 */
final class RawWebSocket implements AutoCloseable {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    final String handshakeStatus;

    private RawWebSocket(Socket socket, String handshakeStatus) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.handshakeStatus = handshakeStatus;
    }

    /** Connects and upgrades {@code path}; {@code authorization} may be null. Throws unless 101. */
    static RawWebSocket open(int port, String path, String authorization) throws Exception {
        return open(port, path, authorization, new byte[0]);
    }

    /** The same, with {@code early} written in the same write as the request (frames sent before the 101). */
    static RawWebSocket open(int port, String path, String authorization, byte[] early) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(request.getBytes(StandardCharsets.US_ASCII));
        all.write(early);
        s.getOutputStream().write(all.toByteArray());
        String head = readHead(s.getInputStream());
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.contains(" 101 ")) {
            s.close();
            throw new IllegalStateException("upgrade refused: " + head);
        }
        String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        if (!head.contains("Sec-WebSocket-Accept: " + expected + "\r\n")) {
            s.close();
            throw new IllegalStateException("bad Sec-WebSocket-Accept: " + head);
        }
        return new RawWebSocket(s, status);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended in the response head: " + head);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Writes one masked frame; {@code firstByte} is FIN/RSV/opcode exactly as sent (e.g. 0x83). */
    void sendRawFrame(int firstByte, byte[] payload) throws IOException {
        out.write(maskedFrame(firstByte, payload));
        out.flush();
    }

    /** One masked client frame, as bytes. */
    static byte[] maskedFrame(int firstByte, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(firstByte);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65536) {
            f.write(0x80 | 126);
            f.write(n >> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) n >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        sendRawFrame((fin ? 0x80 : 0) | opcode, payload);
    }

    /** Reads the next frame from the server (blocks up to 10 s). */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long n = b1 & 0x7F;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads frames until one with {@code opcode}; the frames skipped are data the test does not care about. */
    Frame readUntil(int opcode) throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == opcode) {
                return f;
            }
        }
    }

    /** Drops the connection with a TCP reset (SO_LINGER 0), as a crashed host or a middlebox does. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Ends the stream with a FIN and no close frame, as a killed process does. */
    void finWithoutClose() throws IOException {
        socket.shutdownOutput();
    }

    /** True once the server closed the TCP connection (reads end of stream). */
    boolean serverClosed() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
