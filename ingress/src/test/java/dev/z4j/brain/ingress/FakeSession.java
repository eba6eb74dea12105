package dev.z4j.brain.ingress;

import dev.z4j.brain.protocol.FramePeek;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketContext;
import io.helidon.websocket.WsSession;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The brain's side of an agent socket without a network: records what the connection sends and
 * how it closes. A stuck session stands for a peer that stopped reading: after its first
 * {@code passing} sends, every send blocks until {@link #unstick()}.
 */
final class FakeSession implements WsSession {
    final List<byte[]> sent = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final int passing;
    private final CountDownLatch stuck;

    private FakeSession(int passing, CountDownLatch stuck) {
        this.passing = passing;
        this.stuck = stuck;
    }

    static FakeSession open() {
        return new FakeSession(Integer.MAX_VALUE, null);
    }

    /** hello_ack goes out, then the peer stops reading. */
    static FakeSession stuckAfterHelloAck() {
        return new FakeSession(1, new CountDownLatch(1));
    }

    void unstick() {
        if (stuck != null) {
            stuck.countDown();
        }
    }

    /** Frame ids of the given type, in send order (envelope only; signatures are checked elsewhere). */
    List<String> idsOf(String type) {
        return sent.stream().map(b -> FramePeek.envelope(b, 0, b.length))
                .filter(e -> e != null && type.equals(e.type())).map(FramePeek.Envelope::id).toList();
    }

    @Override
    public WsSession send(String text, boolean last) {
        return record(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public WsSession send(BufferData bufferData, boolean last) {
        byte[] b = new byte[bufferData.available()];
        bufferData.read(b);
        return record(b);
    }

    private WsSession record(byte[] bytes) {
        if (closed.isDone()) {
            throw new IllegalStateException("closed");
        }
        if (sent.size() >= passing) {
            try {
                stuck.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        sent.add(bytes);
        return this;
    }

    @Override
    public WsSession ping(BufferData bufferData) {
        return this;
    }

    @Override
    public WsSession pong(BufferData bufferData) {
        return this;
    }

    @Override
    public WsSession close(int code, String reason) {
        closed.complete(code);
        return this;
    }

    @Override
    public WsSession terminate() {
        closed.complete(1006);
        return this;
    }

    @Override
    public SocketContext socketContext() {
        throw new UnsupportedOperationException("no socket in this test");
    }
}
