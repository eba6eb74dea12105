package dev.z4j.brain.loadgen;

/**
 * Turns a rate into whole events per send pass. Elapsed time times the rate accumulates as
 * credit; whole units are handed out and the fraction carries over, so over any span the count is
 * within one of {@code rate * span} whatever the pass interval. After a stall, at most
 * {@link #MAX_CATCH_UP_SECONDS} of credit is kept (a stalled connection does not burst minutes of
 * backlog at once; the shortfall shows up in the sent rate instead).
 */
final class Pacer {
    static final double MAX_CATCH_UP_SECONDS = 1.0;

    private long lastNanos;
    private double credit;

    Pacer(long startNanos) {
        this.lastNanos = startNanos;
    }

    /** Events due since the previous call at {@code ratePerSecond} (which may change between calls). */
    int take(long nowNanos, double ratePerSecond) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        lastNanos = nowNanos;
        if (ratePerSecond <= 0) {
            credit = 0;
            return 0;
        }
        double cap = Math.max(1.0, ratePerSecond * MAX_CATCH_UP_SECONDS);
        credit = Math.min(cap, credit + elapsed * ratePerSecond / 1e9);
        int n = (int) credit;
        credit -= n;
        return n;
    }

    /** One connection's share of a total rate. */
    static double perConnection(double totalPerSecond, int connections) {
        return connections <= 0 ? 0 : totalPerSecond / connections;
    }
}
