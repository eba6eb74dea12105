package dev.z4j.brain.ops;

/** The brain could not start (e.g. its port is taken); everything it had opened is closed again. */
public final class BrainStartException extends RuntimeException {
    public BrainStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
