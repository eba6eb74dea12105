package dev.z4j.brain.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * CPython's selector socket transport ({@code asyncio.selector_events._SelectorSocketTransport})
 * as websockets 17 configures it, over a non-blocking {@link SocketChannel} whose kernel buffers
 * are left at their defaults (Linux autotunes them):
 *
 * <ul>
 *   <li>{@link #write}: with nothing buffered in user space, the bytes go straight to the socket;
 *       only what the kernel refuses is kept here (and later writes queue behind it without
 *       touching the socket, as asyncio does).
 *   <li>Flow control: once the user-space buffer is above the high-water mark the protocol is
 *       "paused" ({@code pause_writing}); it is resumed when {@link #flush} (the loop's
 *       {@code _write_ready}) brings it down to the low-water mark. websockets' {@code
 *       write_limit} default is 32 KiB; asyncio sets low = high / 4.
 *   <li>{@link #read}: one {@code recv(max_size)} per readiness, {@code max_size} = 256 KiB.
 * </ul>
 *
 * Not thread-safe: owned by one simulated agent's loop thread.
 */
final class SelectorTransport {
    static final int WRITE_HIGH_WATER = 32 * 1024;
    static final int WRITE_LOW_WATER = WRITE_HIGH_WATER / 4;
    static final int READ_MAX_SIZE = 256 * 1024;

    private final SocketChannel channel;
    private final ArrayDeque<ByteBuffer> buffered = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_MAX_SIZE);
    private long bufferedBytes;
    private boolean protocolPaused;

    SelectorTransport(SocketChannel channel) {
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /** {@code transport.write(data)}: never blocks, never suspends the caller. */
    void write(byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (bufferedBytes == 0) {
            channel.write(b);
            if (!b.hasRemaining()) {
                return;
            }
        }
        buffered.add(b);
        bufferedBytes += b.remaining();
        if (bufferedBytes > WRITE_HIGH_WATER) {
            protocolPaused = true;
        }
    }

    /** {@code _write_ready}: the socket is writable; hand the kernel what it takes. */
    void flush() throws IOException {
        while (!buffered.isEmpty()) {
            ByteBuffer head = buffered.peek();
            int n = channel.write(head);
            bufferedBytes -= n;
            if (head.hasRemaining()) {
                break;
            }
            buffered.poll();
        }
        if (protocolPaused && bufferedBytes <= WRITE_LOW_WATER) {
            protocolPaused = false;
        }
    }

    /** True between {@code pause_writing} and {@code resume_writing}: {@code drain()} would suspend. */
    boolean protocolPaused() {
        return protocolPaused;
    }

    /** Bytes held in user space (the kernel refused them so far). */
    long bufferedBytes() {
        return bufferedBytes;
    }

    /**
     * One {@code recv(max_size)}: the bytes read (empty if nothing was available), or null at
     * end of stream. The returned buffer is reused by the next call.
     */
    ByteBuffer read() throws IOException {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n < 0) {
            return null;
        }
        return readBuffer.flip();
    }

    void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
