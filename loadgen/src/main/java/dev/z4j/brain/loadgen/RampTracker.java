package dev.z4j.brain.loadgen;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Follows a ramp step by step and finds the first step the brain could not keep up with: ack p99
 * above {@link #P99_LIMIT_MICROS}, acks below 90% of what was sent, or sends below 90% of the
 * target (the generator itself was held back by un-acked frames).
 */
final class RampTracker {
    static final long P99_LIMIT_MICROS = 1_000_000;
    static final double KEEP_UP_RATIO = 0.9;

    record Step(int index, double targetRate, double seconds, double sentRate, double ackedRate, double ackP99Ms,
                String saturation) {
        boolean saturated() {
            return saturation != null;
        }
    }

    private final RateSchedule schedule;
    private final List<Step> steps = new ArrayList<>();
    private int current = -1;
    private double seconds;
    private long sent;
    private long acked;
    private final Histogram latency = new Histogram(Metrics.MAX_LATENCY_MICROS, 3);

    RampTracker(RateSchedule schedule) {
        this.schedule = schedule;
    }

    /** Why a step counts as saturated, or null if the brain kept up. */
    static String saturation(double targetRate, double sentRate, double ackedRate, long ackP99Micros) {
        if (ackP99Micros > P99_LIMIT_MICROS) {
            return "ack p99 " + ackP99Micros / 1000 + " ms > 1000 ms";
        }
        if (sentRate > 0 && ackedRate < KEEP_UP_RATIO * sentRate) {
            return String.format("acks fell behind (%.0f acked of %.0f sent ev/s)", ackedRate, sentRate);
        }
        if (targetRate > 0 && sentRate < KEEP_UP_RATIO * targetRate) {
            return String.format("sends fell behind (%.0f of %.0f ev/s; un-acked frames held the generator)",
                    sentRate, targetRate);
        }
        return null;
    }

    /**
     * One reporting tick.
     *
     * @return the step that just ended, or null
     */
    Step tick(long elapsedNanos, double tickSeconds, long sentDelta, long ackedDelta, Histogram tickLatency) {
        int index = schedule.stepIndex(elapsedNanos);
        Step finished = null;
        if (current >= 0 && index != current) {
            finished = close();
        }
        if (index != current) {
            current = index;
        }
        seconds += tickSeconds;
        sent += sentDelta;
        acked += ackedDelta;
        latency.add(tickLatency);
        return finished;
    }

    /** Ends the step in progress (end of the run); null if it had no time. */
    Step finish() {
        return current >= 0 && seconds > 0 ? close() : null;
    }

    private Step close() {
        double target = schedule.rateOfStep(current);
        double sentRate = sent / seconds;
        double ackedRate = acked / seconds;
        long p99 = latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99);
        Step s = new Step(current, target, seconds, sentRate, ackedRate, p99 / 1000.0,
                saturation(target, sentRate, ackedRate, p99));
        steps.add(s);
        seconds = 0;
        sent = 0;
        acked = 0;
        latency.reset();
        return s;
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }

    /** The first saturated step, or null. */
    Step firstSaturated() {
        return steps.stream().filter(Step::saturated).findFirst().orElse(null);
    }
}
