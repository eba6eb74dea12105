package dev.z4j.brain.loadgen;

/** What the simulated agents do once connected. */
enum Mode {
    /** A constant total event rate spread over all connections. */
    STEADY,
    /** The rate grows by a step every interval up to a ceiling; reports where acks could not keep up. */
    RAMP,
    /** Connect and heartbeat only (memory per connection). */
    IDLE,
    /** Answer brain commands with command_ack + command_result; events only if --rate is set. */
    ECHO,
    /** Every socket connects at once; time until all are hello-acked, then held (reconnecting with backoff). */
    STORM;

    static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new OptionsException("--mode: '" + s + "' is not one of steady, ramp, idle, echo, storm");
    }

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
