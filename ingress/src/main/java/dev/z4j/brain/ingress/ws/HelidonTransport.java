package dev.z4j.brain.ingress.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.SocketContext;
import io.helidon.webserver.ConnectionContext;

/** A WebSocket on Helidon's HTTP connection: its reader, its writer, its socket. */
final class HelidonTransport implements WsTransport {
    private final ConnectionContext ctx;
    private final DataReader reader;

    HelidonTransport(ConnectionContext ctx) {
        this.ctx = ctx;
        this.reader = ctx.dataReader();
    }

    @Override
    public byte read() {
        return reader.read();
    }

    @Override
    public byte[] readBytes(int length) {
        return reader.readBytes(length);
    }

    @Override
    public void skip(int length) {
        reader.skip(length);
    }

    @Override
    public void write(byte[] frame) {
        ctx.dataWriter().writeNow(BufferData.create(frame));
    }

    @Override
    public void abort() {
        ctx.serverSocket().close();
    }

    @Override
    public SocketContext socketContext() {
        return ctx;
    }
}
