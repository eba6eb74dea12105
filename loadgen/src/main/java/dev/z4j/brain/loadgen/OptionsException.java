package dev.z4j.brain.loadgen;

/** A bad command line; the message names the option. */
final class OptionsException extends RuntimeException {
    OptionsException(String message) {
        super(message);
    }
}
