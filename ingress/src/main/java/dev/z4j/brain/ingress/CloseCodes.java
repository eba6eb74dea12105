package dev.z4j.brain.ingress;

/** WebSocket close codes of docs/PROTOCOL.md 2.3, with the reference brain's meanings. */
public final class CloseCodes {
    private CloseCodes() {}

    public static final int NORMAL = 1000;
    /** Brain shutting down. */
    public static final int GOING_AWAY = 1001;
    /** Never sent: counts sockets whose peer vanished without a close frame (reset, cut stream). */
    public static final int ABNORMAL = 1006;
    /** Unexpected error, incl. post-handshake not-JSON / unknown type / v != 2 (as the reference). */
    public static final int INTERNAL = 1011;
    /** Try again later (RFC 6455 registry): the database was busy; a reconnect will likely succeed. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** Displaced: the same (agent_id, worker_id) reconnected; the old socket gets this. */
    public static final int DISPLACED = 4002;
    /** Agent token revoked. */
    public static final int REVOKED = 4003;
    /** Bad first frame, failed validation, oversize or non-data message. */
    public static final int BAD_FRAME = 4400;
    /** Bearer missing, malformed or unknown. */
    public static final int UNAUTHORIZED = 4401;
    /** Signature or replay failure. */
    public static final int SIGNATURE = 4403;
    /** Idle timeout (also: no hello in time). */
    public static final int IDLE = 4408;
    /** Protocol version not supported. */
    public static final int UPGRADE_REQUIRED = 4426;
    /** Per-agent worker slot cap exceeded (after hello_ack). */
    public static final int TOO_MANY = 4429;
}
