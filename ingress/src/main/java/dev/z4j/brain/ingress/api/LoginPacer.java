package dev.z4j.brain.ingress.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Holds every login answer to a minimum duration (success and failure look alike to a timer), and
 * a failure to an extra exponential backoff of {@code min(0.5 s × 2^n, cap)}, n = the account's
 * failures so far. The clock and the sleep are injected so tests need not wait.
 */
public final class LoginPacer {

    /** Waits; production sleeps the (virtual) request thread. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Duration minimum;
    private final Duration backoffCap;
    private final Clock clock;
    private final Sleeper sleeper;

    public LoginPacer(Duration minimum, Duration backoffCap, Clock clock, Sleeper sleeper) {
        this.minimum = minimum;
        this.backoffCap = backoffCap;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The backoff after the account's {@code failures}-th failure (0 = unknown account: no backoff). */
    public Duration backoff(int failures) {
        if (failures <= 0 || backoffCap.isZero()) {
            return Duration.ZERO;
        }
        long ms = 500L << Math.min(failures, 20);
        return Duration.ofMillis(Math.min(ms, backoffCap.toMillis()));
    }

    /** Sleeps until {@code started + minimum + extra}; returns how long it slept. */
    public Duration hold(Instant started, Duration extra) {
        Duration remaining = Duration.between(clock.instant(), started.plus(minimum).plus(extra));
        if (remaining.isNegative() || remaining.isZero()) {
            return Duration.ZERO;
        }
        try {
            sleeper.sleep(remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return remaining;
    }
}
