package dev.z4j.brain.ingress.ws;

/**
 * A peer broke the WebSocket protocol (RFC 6455) or an endpoint's message limit. Handed to the
 * listener's {@code onError}, which may count it and close with {@link #closeCode()}; the
 * connection then closes with that code anyway and stops reading.
 */
public final class WsProtocolError extends RuntimeException {
    /** RFC 6455 7.4.1: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** RFC 6455 7.4.1: a text message was not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;

    private final int closeCode;
    private final String label;

    /**
     * @param closeCode the close code the peer gets
     * @param label     a short metric label (bounded set: oversize, bad_opcode, bad_utf8, ...)
     * @param message   why, sent as the close reason
     */
    public WsProtocolError(int closeCode, String label, String message) {
        super(message, null, false, false); // routine bad input: no stack trace
        this.closeCode = closeCode;
        this.label = label;
    }

    public int closeCode() {
        return closeCode;
    }

    public String label() {
        return label;
    }
}
