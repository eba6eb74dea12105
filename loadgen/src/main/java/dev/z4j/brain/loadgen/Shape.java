package dev.z4j.brain.loadgen;

/** How events are framed and resent. */
enum Shape {
    /** As z4j-bare 1.6.0: one event per frame, every un-acked frame resent on every send pass. */
    AGENT,
    /** --batch-size events per frame, at most --window frames un-acked, resent only when the ack is overdue. */
    BATCHED,
    /**
     * The z4j-bare 1.6 process as its asyncio loop behaves ({@link AsyncioAgent}): one thread and one
     * non-blocking socket per process, acks read only when a write would block or the buffer is empty.
     */
    ASYNCIO_AGENT;

    static Shape parse(String s) {
        for (Shape v : values()) {
            if (v.wire().equalsIgnoreCase(s)) {
                return v;
            }
        }
        throw new OptionsException("--shape: '" + s + "' is not one of agent, batched, asyncio-agent");
    }

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
