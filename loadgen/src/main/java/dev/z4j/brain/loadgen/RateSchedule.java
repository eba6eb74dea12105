package dev.z4j.brain.loadgen;

/** The total event rate as a function of time since the run started. */
record RateSchedule(double start, double step, double ceiling, long stepNanos) {

    static RateSchedule of(Options o) {
        return switch (o.mode()) {
            case RAMP -> new RateSchedule(o.rate(), o.rampStep(), o.rampTo(), o.rampInterval().toNanos());
            case IDLE -> new RateSchedule(0, 0, 0, 0);
            default -> new RateSchedule(o.rate(), 0, o.rate(), 0);
        };
    }

    /** Index of the ramp step at this time (always 0 for a constant rate). */
    int stepIndex(long elapsedNanos) {
        return stepNanos <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, elapsedNanos) / stepNanos);
    }

    double totalRate(long elapsedNanos) {
        return rateOfStep(stepIndex(elapsedNanos));
    }

    double rateOfStep(int index) {
        return Math.min(ceiling, start + step * index);
    }
}
