package dev.z4j.brain.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link VerifyVsParseBenchmark} and ends with the one number the protocol module is judged
 * by: how many Jackson tree parses one full verification costs (goal: under 2.5).
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.z4j.brain.bench.VerifyRatio [jmh options]};
 * any JMH command-line option (e.g. {@code -prof gc}, {@code -f 3}) is passed through.
 */
public final class VerifyRatio {
    private VerifyRatio() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(VerifyVsParseBenchmark.class.getName() + "\\.");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        double verify = score(results, "verify");
        double jackson = score(results, "jacksonTreeParse");
        System.out.println(String.format(Locale.ROOT,
                "verify/parse ratio = %.2f (verify %.1f us/op, jackson readTree %.1f us/op)",
                verify / jackson, verify, jackson));
    }

    /** Average time of one benchmark method in the unit the benchmark declares (microseconds). */
    private static double score(Collection<RunResult> results, String method) {
        String suffix = "." + method;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith(suffix)) {
                return r.getPrimaryResult().getScore();
            }
        }
        throw new IllegalStateException("no result for " + method + "; was it excluded?");
    }
}
