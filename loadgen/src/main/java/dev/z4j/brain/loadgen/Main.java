package dev.z4j.brain.loadgen;

import java.io.PrintStream;

/** {@code java -jar z4j-loadgen.jar ...}: exit 0 when every sent event was acked and no connection failed. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(Options.USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (OptionsException e) {
            err.println("error: " + e.getMessage());
            err.println(Options.USAGE);
            return 2;
        }
        if (options.mode() == Mode.STORM) {
            try {
                return new StormRun(options, out).run();
            } catch (OptionsException e) {
                err.println("error: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }
        try {
            RunResult result = new LoadGen(options, out).run();
            Summary.print(result, out);
            if (options.report() != null) {
                RunReport.write(options.report(), result);
                out.println("report written to " + options.report());
            }
            if (!result.ok()) {
                err.println("FAILED:");
                result.failures().forEach(f -> err.println("  - " + f));
                if (!result.errorSamples().isEmpty()) {
                    err.println("first errors:");
                    result.errorSamples().stream().limit(10).forEach(e -> err.println("  " + e));
                }
                return 1;
            }
            return 0;
        } catch (OptionsException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
