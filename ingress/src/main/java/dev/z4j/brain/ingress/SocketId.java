package dev.z4j.brain.ingress;

import java.util.UUID;

/**
 * Names one agent socket in {@code commands.dispatched_to}: the session id (unique per socket,
 * on any replica) plus the worker id. The worker part lets any replica tell that a command's
 * socket is gone without asking the replica that held it: if this replica holds a newer socket of
 * the same (agent, worker), the older one was displaced or lost.
 *
 * @param session the session id sent in hello_ack
 * @param worker  the hello's worker id ("" for the legacy slot)
 */
public record SocketId(UUID session, String worker) {
    private static final int UUID_CHARS = 36;

    /** {@code <session uuid>/<worker id>}. */
    public String wire() {
        return session + "/" + worker;
    }

    /** The stored form back, or null if it is not one of ours. */
    public static SocketId parse(String wire) {
        if (wire == null || wire.length() <= UUID_CHARS || wire.charAt(UUID_CHARS) != '/') {
            return null;
        }
        try {
            return new SocketId(UUID.fromString(wire.substring(0, UUID_CHARS)), wire.substring(UUID_CHARS + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
