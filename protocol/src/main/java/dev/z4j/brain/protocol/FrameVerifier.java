package dev.z4j.brain.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Verifies inbound frames of one session exactly as the reference verifier does (docs/PROTOCOL.md 5.5):
 * parse the raw JSON once, rebuild the canonical envelope from that tree (never from typed
 * objects), compare the HMAC in constant time, run the replay guard, then decode the typed frame.
 *
 * <p>Not thread-safe: one instance per connection, used by the thread reading that connection.
 */
public final class FrameVerifier {
    private static final int HMAC_HEX_LENGTH = 64;

    private final Envelope envelope;
    private final ReplayGuard replayGuard;

    public FrameVerifier(byte[] projectSecret, SessionBinding binding, ReplayGuard replayGuard) {
        this(new MacPool(projectSecret), binding, replayGuard);
    }

    /** With the Macs of the session's project, shared with its other connections. */
    public FrameVerifier(MacPool projectMacs, SessionBinding binding, ReplayGuard replayGuard) {
        this.envelope = new Envelope(projectMacs, binding);
        this.replayGuard = replayGuard;
    }

    /**
     * @return the verified frame; hello/hello_ack come back decoded but unsigned (the caller decides
     *         what an unsigned frame means at this point of the session)
     * @throws ProtocolException for anything that is not a valid, authentic, fresh frame
     */
    public Frame verify(byte[] message) {
        return verify(message, 0, message.length);
    }

    public Frame verify(byte[] message, int offset, int length) {
        Map<String, Object> tree = parseFrameObject(message, offset, length);
        FrameType type = typeOf(tree);
        if (!type.signed()) {
            return FrameCodec.decode(tree, type);
        }
        Object v = tree.get("v");
        if (!(v instanceof Long l) || l != 2) {
            throw new ProtocolException(ProtocolException.Reason.UNSUPPORTED_VERSION,
                    "unsupported frame version " + v + ", expected 2");
        }
        Object payload = tree.get("payload");
        if (payload != null && !(payload instanceof Map)) {
            throw new ProtocolException(ProtocolException.Reason.INVALID_FIELD, "payload must be an object");
        }
        checkHmac(tree);
        replayGuard.check(tree.get("seq"), tree.get("nonce"), tree.get("ts"));
        return FrameCodec.decode(tree, type);
    }

    private void checkHmac(Map<String, Object> tree) {
        if (!(tree.get(Envelope.HMAC) instanceof String given) || given.isEmpty()) {
            throw new ProtocolException(ProtocolException.Reason.MISSING_HMAC, "frame missing hmac signature");
        }
        if (given.length() != HMAC_HEX_LENGTH) {
            throw new ProtocolException(ProtocolException.Reason.BAD_HMAC, "hmac signature mismatch");
        }
        byte[] expected = Hex.encode(envelope.hmac(tree)).getBytes(StandardCharsets.US_ASCII);
        // Constant time; upper-case hex from a peer is a mismatch, as in the reference.
        if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ProtocolException(ProtocolException.Reason.BAD_HMAC, "hmac signature mismatch");
        }
    }

    /** Parses and decodes the first message of a connection, which must be a valid {@code hello}. */
    public static Frame parseHello(byte[] message, int offset, int length) {
        Map<String, Object> tree = parseFrameObject(message, offset, length);
        FrameType type = typeOf(tree);
        if (type != FrameType.HELLO) {
            throw new ProtocolException(ProtocolException.Reason.NOT_A_FRAME,
                    "first frame must be hello, got " + type.wire());
        }
        return FrameCodec.decode(tree, type);
    }

    /** Parses an unsigned frame of any type (hello_ack on the agent side). */
    public static Frame parseUnsigned(byte[] message) {
        Map<String, Object> tree = parseFrameObject(message, 0, message.length);
        FrameType type = typeOf(tree);
        if (type.signed()) {
            throw new ProtocolException(ProtocolException.Reason.NOT_A_FRAME, type.wire() + " frames are signed");
        }
        return FrameCodec.decode(tree, type);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseFrameObject(byte[] message, int offset, int length) {
        Object parsed = Json.parse(message, offset, length);
        if (!(parsed instanceof Map)) {
            throw new ProtocolException(ProtocolException.Reason.NOT_A_FRAME, "frame must be a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    static FrameType typeOf(Map<String, Object> tree) {
        if (!(tree.get("type") instanceof String name)) {
            throw new ProtocolException(ProtocolException.Reason.NOT_A_FRAME, "frame type missing or not a string");
        }
        FrameType type = FrameType.fromWire(name);
        if (type == null) {
            throw new ProtocolException(ProtocolException.Reason.UNKNOWN_TYPE,
                    "unknown frame type '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
        }
        return type;
    }
}
