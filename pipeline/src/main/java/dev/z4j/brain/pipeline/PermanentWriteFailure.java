package dev.z4j.brain.pipeline;

/** The store refused the data itself (permanent StoreException or a RuntimeException): isolate it. */
final class PermanentWriteFailure extends Exception {
    PermanentWriteFailure(Throwable cause) {
        super(cause.toString(), cause, false, false);
    }
}
