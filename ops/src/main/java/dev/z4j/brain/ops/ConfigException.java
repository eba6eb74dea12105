package dev.z4j.brain.ops;

/** A setting is missing or wrong; the message names the variable and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
