package dev.z4j.brain.bench.capacity;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The highest rate one brain sustains for one client shape, searched by a {@link Ladder}: steady
 * loadgen steps of {@link #STEP} (after a {@link #WARMUP} warm-up), rates x{@link #GROWTH} until a
 * step fails (not everything acked, ack p99 >= 1 s, or under 90% of the target acked), then
 * {@link #REFINEMENTS} bisection steps. Each step is a fresh loadgen process, so a failed step's
 * backlog is not carried into the next.
 */
final class EndToEnd {
    static final Duration STEP = Duration.ofSeconds(15);
    static final Duration WARMUP = Duration.ofSeconds(10);
    static final double GROWTH = 1.6;
    static final int REFINEMENTS = 2;

    /** One client shape: its loadgen options, its first rate, its step budget, the lowest rate tried. */
    record Shape(String name, int agents, int workers, List<String> options, double firstRate, int maxSteps,
                 double floor) {
        String describe() {
            return agents + " agents x " + workers + " workers, " + String.join(" ", options);
        }

        Ladder.Plan plan() {
            return new Ladder.Plan(firstRate, GROWTH, maxSteps, REFINEMENTS, floor);
        }
    }

    /** The ladder's runs and verdict for one shape. */
    record Search(Shape shape, Ladder.Result<LoadGen.Result> ladder) {
        boolean found() {
            return ladder.found();
        }

        /** The acked rate of the best passing step; only meaningful when {@link #found()}. */
        double sustained() {
            return ladder.found() ? ladder.best().outcome().ackedPerSecond() : Double.NaN;
        }

        /** The figure as the report prints it: never a bare 0 when the search found nothing. */
        String figure() {
            if (!found()) {
                return "none found: every step failed down to " + Report.f0(ladder.lowestRateTried())
                        + " ev/s (tool failure, see the steps)";
            }
            return Report.f0(sustained()) + " ev/s" + (ladder.ceilingNotReached() ? " (every step passed: at least)" : "");
        }
    }

    private EndToEnd() {}

    static Search search(LoadGen loadgen, BrainNode brain, String adminKey, Path credentials, Shape shape,
                         PrintStream out) throws Exception {
        Ladder.Result<LoadGen.Result> r = Ladder.search(shape.plan(),
                (rate, kind, index) -> step(loadgen, brain, adminKey, credentials, shape, rate, kind, index, out));
        return new Search(shape, r);
    }

    private static LoadGen.Result step(LoadGen loadgen, BrainNode brain, String adminKey, Path credentials,
                                       Shape shape, double rate, Ladder.Kind kind, int index, PrintStream out)
            throws Exception {
        Duration load = kind == Ladder.Kind.WARMUP ? WARMUP : STEP;
        List<String> args = new ArrayList<>(LoadGen.args(brain.wsUrl(), adminKey, credentials, shape.agents(),
                shape.workers(), "steady"));
        args.addAll(shape.options());
        args.addAll(List.of("--rate", Long.toString(Math.round(rate)), "--duration", load.toSeconds() + "s",
                "--drain", "10s"));
        LoadGen.Result r = loadgen.run("e2e-" + shape.name() + "-" + index, args, Math.round(rate),
                load.plusSeconds(90));
        out.printf("  %-8s %-7s target %6.0f ev/s: acked %7.0f ev/s, ack p50 %7.1f ms p99 %7.1f ms, exit %d -> %s%n",
                shape.name(), kind.label, r.targetRate(), r.ackedPerSecond(), r.ackP50(), r.ackP99(), r.exitCode(),
                kind == Ladder.Kind.WARMUP ? "(not counted)" : r.sustained() ? "kept up"
                        : "FELL BEHIND" + (r.failures().isEmpty() ? "" : " (" + r.failures() + ")"));
        Thread.sleep(2000); // let the brain finish whatever the previous step left before the next one
        return r;
    }
}
