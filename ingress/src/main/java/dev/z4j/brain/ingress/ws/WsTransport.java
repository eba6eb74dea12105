package dev.z4j.brain.ingress.ws;

import io.helidon.common.socket.SocketContext;

/**
 * The byte stream under one upgraded WebSocket: what {@link WsConnection} reads frames from and
 * writes frames to. Helidon's connection ({@link HelidonTransport}) on the HTTP port, our own
 * socket ({@link SocketTransport}) on the agent port. Reads block the connection's virtual thread
 * and fail with an unchecked exception once the peer is gone or the socket was cut.
 */
interface WsTransport {
    /** The next byte. */
    byte read();

    /** The next {@code length} bytes. */
    byte[] readBytes(int length);

    /** Reads and drops {@code length} bytes. */
    void skip(int length);

    /** Writes one whole frame (callers serialise). */
    void write(byte[] frame);

    /** Cuts the TCP connection: a blocked read or write fails at once. */
    void abort();

    /** The peers of the socket, for the session. */
    SocketContext socketContext();
}
