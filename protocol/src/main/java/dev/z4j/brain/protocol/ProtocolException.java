package dev.z4j.brain.protocol;

import java.util.Locale;

/**
 * The only exception the protocol code throws on bad input. {@link #reason()} says what was wrong
 * (and is the metric label); {@link #isSignatureFailure()} separates signature/replay failures
 * (close 4403) from malformed frames.
 */
public final class ProtocolException extends RuntimeException {

    /** Why a frame was refused. Signature and replay reasons are the reference's SignatureError. */
    public enum Reason {
        /** Not JSON, not UTF-8, trailing data, lone surrogate, non-finite number. */
        MALFORMED(false),
        /** Valid JSON nested deeper or with a longer number than the parser reads (see Json). */
        TOO_COMPLEX(false),
        /** The message is not a JSON object or has no string {@code type}. */
        NOT_A_FRAME(false),
        UNKNOWN_TYPE(false),
        UNSUPPORTED_VERSION(false),
        /** A field has the wrong JSON type or breaks a cap of docs/PROTOCOL.md section 6. */
        INVALID_FIELD(false),
        MISSING_HMAC(true),
        BAD_HMAC(true),
        BAD_SEQ(true),
        NONCE_REUSED(true),
        BAD_TS(true),
        STALE_TS(true);

        private final boolean signature;

        Reason(boolean signature) {
            this.signature = signature;
        }

        /** Lower-case name, used as a metric label. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public ProtocolException(Reason reason, String message) {
        super(message, null, false, false); // no stack trace: bad input is routine, not a bug
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean isSignatureFailure() {
        return reason.signature;
    }
}
