package dev.z4j.brain.ingress.ws;

import io.helidon.common.socket.PeerInfo;
import io.helidon.common.socket.SocketContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * A WebSocket on a socket of our own ({@link WsPort}): reads go through a small buffer that holds
 * a frame header and the start of its payload; a payload beyond it is read straight into its own
 * array. An idle socket keeps {@link #BUFFER} bytes, not the 8 KiB Helidon reads into.
 */
final class SocketTransport implements WsTransport, SocketContext {
    /** A heartbeat frame's header and most of its body in one read; batches go round it. */
    static final int BUFFER = 512;

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buffer; // BUFFER bytes, or the early bytes' own array until they are read
    private int position;
    private int limit;

    /** {@code early}: bytes that came after the upgrade request in the same reads (frames sent at once). */
    SocketTransport(SocketChannel channel, byte[] early, int from, int to) throws IOException {
        this.channel = channel;
        this.in = channel.socket().getInputStream();
        this.out = channel.socket().getOutputStream();
        this.buffer = new byte[Math.max(BUFFER, to - from)];
        System.arraycopy(early, from, buffer, 0, to - from);
        limit = to - from;
    }

    @Override
    public byte read() {
        if (position == limit) {
            if (buffer.length != BUFFER) {
                buffer = new byte[BUFFER];
            }
            limit = fill(buffer, 0, buffer.length);
            position = 0;
        }
        return buffer[position++];
    }

    @Override
    public byte[] readBytes(int length) {
        byte[] bytes = new byte[length];
        int buffered = Math.min(length, limit - position);
        System.arraycopy(buffer, position, bytes, 0, buffered);
        position += buffered;
        for (int at = buffered; at < length; ) {
            at += fill(bytes, at, length - at);
        }
        return bytes;
    }

    @Override
    public void skip(int length) {
        int buffered = Math.min(length, limit - position);
        position += buffered;
        for (int left = length - buffered; left > 0; ) {
            limit = fill(buffer, 0, Math.min(left, buffer.length));
            position = limit;
            left -= limit;
        }
    }

    /** One blocking read of at least one byte; the end of the stream or a cut socket is an exception. */
    private int fill(byte[] into, int offset, int length) {
        try {
            int n = in.read(into, offset, length);
            if (n < 0) {
                throw new UncheckedIOException(new EOFException("the peer ended the stream"));
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void write(byte[] frame) {
        try {
            out.write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void abort() {
        try {
            channel.close(); // a read or write blocked on it fails at once
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public SocketContext socketContext() {
        return this;
    }

    // The session's view of the socket, computed when asked: nothing of it is kept per socket.

    @Override
    public PeerInfo remotePeer() {
        return peer(true);
    }

    @Override
    public PeerInfo localPeer() {
        return peer(false);
    }

    private PeerInfo peer(boolean remote) {
        SocketAddress address;
        try {
            address = remote ? channel.getRemoteAddress() : channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        return new PeerInfo() {
            @Override
            public SocketAddress address() {
                return inet;
            }

            @Override
            public String host() {
                return inet.getHostString();
            }

            @Override
            public int port() {
                return inet.getPort();
            }

            @Override
            public Optional<Principal> tlsPrincipal() {
                return Optional.empty();
            }

            @Override
            public Optional<Certificate[]> tlsCertificates() {
                return Optional.empty();
            }
        };
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public String socketId() {
        return "agent-port";
    }

    @Override
    public String childSocketId() {
        return Integer.toHexString(System.identityHashCode(channel));
    }
}
