package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

/** asyncio's write path on a real loopback socket whose peer stops and starts reading. */
class SelectorTransportTest {
    @Test
    void writesGoStraightToTheKernelUntilItRefusesThenPauseAboveHighWaterAndResumeAtLowWater() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            client.configureBlocking(false);
            SelectorTransport t = new SelectorTransport(client);
            byte[] chunk = new byte[1000];

            t.write(chunk);
            assertThat(t.bufferedBytes()).as("the kernel took it all").isZero();
            assertThat(t.protocolPaused()).isFalse();

            // The peer does not read: the kernel buffers fill, then user space takes the rest.
            long written = 1000;
            while (t.bufferedBytes() == 0) {
                t.write(chunk);
                written += chunk.length;
            }
            while (!t.protocolPaused()) {
                assertThat(t.bufferedBytes()).isLessThanOrEqualTo(SelectorTransport.WRITE_HIGH_WATER);
                t.write(chunk);
                written += chunk.length;
            }
            assertThat(t.bufferedBytes()).isGreaterThan(SelectorTransport.WRITE_HIGH_WATER);

            // The peer reads everything; the loop's writable callback flushes and resumes the writer.
            peer.configureBlocking(false);
            ByteBuffer sink = ByteBuffer.allocate(1 << 20);
            long read = 0;
            while (read < written) {
                sink.clear();
                read += Math.max(0, peer.read(sink));
                t.flush();
            }
            assertThat(t.bufferedBytes()).isZero();
            assertThat(t.protocolPaused()).as("resumed once at or below the low-water mark").isFalse();
        }
    }

    @Test
    void readReturnsAtMost256KibPerCallAndNullAtEndOfStream() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            SelectorTransport t = new SelectorTransport(client); // blocking here: each read waits for data
            peer.write(ByteBuffer.allocate(600 * 1024));
            long total = 0;
            while (total < 600 * 1024) {
                ByteBuffer got = t.read();
                assertThat(got.remaining()).isLessThanOrEqualTo(SelectorTransport.READ_MAX_SIZE);
                total += got.remaining();
            }
            peer.close();
            assertThat(t.read()).isNull();
        }
    }
}
