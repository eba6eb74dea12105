package dev.z4j.brain.bench.capacity;

import java.util.ArrayList;
import java.util.List;

/**
 * The search every capacity ladder runs, whatever one step measures. A newcomer's first run once
 * reported "0 ev/s" because the first step missed the bar by one sample during JIT warm-up; so:
 * <ol>
 *   <li>a warm-up step at the first rate, never counted;
 *   <li>every failed step is run once more at the same rate before it counts (the retry's verdict
 *       is the step's verdict);
 *   <li>upward: rate x growth after each pass, until a step fails or {@code maxUpSteps} ran;
 *   <li>downward, when the first step fails: rate / growth until a step passes or the floor
 *       failed too;
 *   <li>bisection between the best pass and the lowest failure, {@code refinements} times.
 * </ol>
 * No pass down to the floor is not a figure of 0: {@link Result#found()} is false and the report
 * says that the search failed.
 */
final class Ladder {
    /** How one run counted. */
    enum Kind {
        WARMUP("warm-up"), STEP("step"), RETRY("retry");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** What a step must tell the ladder. */
    interface Outcome {
        boolean passed();
    }

    /** Runs one step at {@code rate}; {@code index} numbers every run of the ladder, warm-up included. */
    @FunctionalInterface
    interface Probe<T extends Outcome> {
        T run(double rate, Kind kind, int index) throws Exception;
    }

    /** The shape of a search. */
    record Plan(double firstRate, double growth, int maxUpSteps, int refinements, double floor) {
        Plan {
            if (!(firstRate > 0) || !(growth > 1) || maxUpSteps < 1 || refinements < 0 || !(floor > 0)
                    || floor > firstRate) {
                throw new IllegalArgumentException("bad ladder plan: " + firstRate + " x" + growth + " up to "
                        + maxUpSteps + " steps, " + refinements + " refinements, floor " + floor);
            }
        }
    }

    /** One run: warm-up, step or retry, at one rate. */
    record Attempt<T extends Outcome>(Kind kind, double rate, T outcome) {
        boolean counted() {
            return kind != Kind.WARMUP;
        }
    }

    /**
     * Every run in order; the best passing step (null when none passed down to the floor) and the
     * failing step nearest above it (null when every step passed: the figure is then a lower bound).
     */
    record Result<T extends Outcome>(Plan plan, List<Attempt<T>> attempts, Attempt<T> best, Attempt<T> nearestFailure) {
        boolean found() {
            return best != null;
        }

        /** Every step passed up to {@code maxUpSteps}: the real limit is higher than the best step. */
        boolean ceilingNotReached() {
            return best != null && nearestFailure == null;
        }

        /** The lowest rate any counted step ran at. */
        double lowestRateTried() {
            return attempts.stream().filter(Attempt::counted).mapToDouble(Attempt::rate).min().orElse(plan.firstRate());
        }
    }

    private Ladder() {}

    static <T extends Outcome> Result<T> search(Plan plan, Probe<T> probe) throws Exception {
        List<Attempt<T>> attempts = new ArrayList<>();
        run(probe, plan.firstRate(), Kind.WARMUP, attempts);

        Attempt<T> best = null;
        Attempt<T> failed = null;
        double rate = plan.firstRate();
        for (int i = 0; i < plan.maxUpSteps(); i++) {
            Attempt<T> a = measure(probe, rate, attempts);
            if (a.outcome().passed()) {
                best = a;
                rate *= plan.growth();
            } else {
                failed = a;
                break;
            }
        }
        if (best == null) {
            // The first step failed (twice): the limit is below it, so look there instead of reporting nothing.
            while (rate > plan.floor()) {
                rate = Math.max(plan.floor(), rate / plan.growth());
                Attempt<T> a = measure(probe, rate, attempts);
                if (a.outcome().passed()) {
                    best = a;
                    break;
                }
                failed = a;
            }
        }
        for (int k = 0; k < plan.refinements() && best != null && failed != null; k++) {
            Attempt<T> a = measure(probe, (best.rate() + failed.rate()) / 2, attempts);
            if (a.outcome().passed()) {
                best = a;
            } else {
                failed = a;
            }
        }
        return new Result<>(plan, List.copyOf(attempts), best, failed);
    }

    /** One counted step: run it, and once more if it failed; the last run is the verdict. */
    private static <T extends Outcome> Attempt<T> measure(Probe<T> probe, double rate, List<Attempt<T>> attempts)
            throws Exception {
        Attempt<T> a = run(probe, rate, Kind.STEP, attempts);
        return a.outcome().passed() ? a : run(probe, rate, Kind.RETRY, attempts);
    }

    private static <T extends Outcome> Attempt<T> run(Probe<T> probe, double rate, Kind kind, List<Attempt<T>> attempts)
            throws Exception {
        Attempt<T> a = new Attempt<>(kind, rate, probe.run(rate, kind, attempts.size()));
        attempts.add(a);
        return a;
    }
}
