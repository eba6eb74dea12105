package dev.z4j.brain.protocol;

import java.util.HashMap;
import java.util.Map;

/** The 11 frame types of docs/PROTOCOL.md section 4 ({@code FRAME_TYPES}). */
public enum FrameType {
    HELLO("hello", false),
    HELLO_ACK("hello_ack", false),
    EVENT_BATCH("event_batch", true),
    EVENT_BATCH_ACK("event_batch_ack", true),
    HEARTBEAT("heartbeat", true),
    AGENT_STATUS("agent_status", true),
    COMMAND("command", true),
    COMMAND_ACK("command_ack", true),
    COMMAND_RESULT("command_result", true),
    REGISTRY_DELTA("registry_delta", true),
    ERROR("error", true);

    private static final Map<String, FrameType> BY_WIRE = new HashMap<>();

    static {
        for (FrameType t : values()) {
            BY_WIRE.put(t.wire, t);
        }
    }

    private final String wire;
    private final boolean signed;

    FrameType(String wire, boolean signed) {
        this.wire = wire;
        this.signed = signed;
    }

    /** The {@code type} string on the wire. */
    public String wire() {
        return wire;
    }

    /** All types but hello and hello_ack carry nonce, seq and hmac. */
    public boolean signed() {
        return signed;
    }

    /** @return the type, or null when {@code wire} is not one of the 11 */
    public static FrameType fromWire(String wire) {
        return BY_WIRE.get(wire);
    }
}
