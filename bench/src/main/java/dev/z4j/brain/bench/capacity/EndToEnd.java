package dev.z4j.brain.bench.capacity;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The highest rate one brain sustains for one client shape: steady loadgen steps of {@link #STEP}
 * at rates growing by {@link #GROWTH} until a step fails (not everything acked, ack p99 >= 1 s, or
 * under 90% of the target acked), then two bisection steps between the last pass and the failure.
 * Each step is a fresh loadgen process, so a failed step's backlog is not carried into the next.
 */
final class EndToEnd {
    static final Duration STEP = Duration.ofSeconds(15);
    static final double GROWTH = 1.6;
    static final int REFINEMENTS = 2;

    /** One client shape: its loadgen options, its first rate, its step budget. */
    record Shape(String name, int agents, int workers, List<String> options, double firstRate, int maxSteps) {
        String describe() {
            return agents + " agents x " + workers + " workers, " + String.join(" ", options);
        }
    }

    /** The steps run and the best passing one (null when even the first step failed). */
    record Search(Shape shape, List<LoadGen.Result> steps, LoadGen.Result best) {
        double sustained() {
            return best == null ? 0 : best.ackedPerSecond();
        }
    }

    private EndToEnd() {}

    static Search search(LoadGen loadgen, BrainNode brain, String adminKey, Path credentials, Shape shape,
                         PrintStream out) throws Exception {
        List<LoadGen.Result> steps = new ArrayList<>();
        LoadGen.Result best = null;
        LoadGen.Result failed = null;
        double rate = shape.firstRate();
        for (int i = 0; i < shape.maxSteps() && failed == null; i++) {
            LoadGen.Result r = step(loadgen, brain, adminKey, credentials, shape, rate, steps.size(), out);
            steps.add(r);
            if (r.sustained()) {
                best = r;
                rate *= GROWTH;
            } else {
                failed = r;
            }
        }
        // Growth steps of x1.6 leave a wide gap: bisect it twice so the figure is within ~10% of the limit.
        for (int k = 0; k < REFINEMENTS && failed != null && best != null; k++) {
            double mid = (best.targetRate() + failed.targetRate()) / 2;
            LoadGen.Result r = step(loadgen, brain, adminKey, credentials, shape, mid, steps.size(), out);
            steps.add(r);
            if (r.sustained()) {
                best = r;
            } else {
                failed = r;
            }
        }
        return new Search(shape, steps, best);
    }

    private static LoadGen.Result step(LoadGen loadgen, BrainNode brain, String adminKey, Path credentials,
                                       Shape shape, double rate, int index, PrintStream out) throws Exception {
        List<String> args = new ArrayList<>(LoadGen.args(brain.wsUrl(), adminKey, credentials, shape.agents(),
                shape.workers(), "steady"));
        args.addAll(shape.options());
        args.addAll(List.of("--rate", Long.toString(Math.round(rate)), "--duration", STEP.toSeconds() + "s",
                "--drain", "10s"));
        LoadGen.Result r = loadgen.run("e2e-" + shape.name() + "-" + index, args, Math.round(rate),
                STEP.plusSeconds(90));
        out.printf("  %-8s target %6.0f ev/s: acked %7.0f ev/s, ack p50 %7.1f ms p99 %7.1f ms, exit %d -> %s%n",
                shape.name(), r.targetRate(), r.ackedPerSecond(), r.ackP50(), r.ackP99(), r.exitCode(),
                r.sustained() ? "kept up" : "FELL BEHIND" + (r.failures().isEmpty() ? "" : " (" + r.failures() + ")"));
        Thread.sleep(2000); // let the brain finish whatever the previous step left before the next one
        return r;
    }
}
