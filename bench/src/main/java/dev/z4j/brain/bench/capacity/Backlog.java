package dev.z4j.brain.bench.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated agents' backlog over a run: event rows still in their buffers (never sent, or sent
 * and not acked), summed over agents, once a second, read from loadgen's progress lines
 * ({@code t=12s ... | agents: ... buffered=N ...}).
 *
 * <p>Under the resend brake an agent's buffer is a sawtooth: it grows while the agent writes
 * copies, and drops by up to one pass (500 rows) when a block lets it read its acks. Whether it
 * keeps up shows in the trend, not in any one sample: {@link #growthPerSecond} fits a least-squares
 * line through the samples after the first {@code skip} seconds (the agents' first block comes only
 * after their send buffers first fill).
 */
record Backlog(List<Sample> samples) {
    private static final Pattern LINE = Pattern.compile("^t=(\\d+)s .*\\| agents: .*\\bbuffered=(\\d+)\\b.*$");

    /** Rows buffered at second {@code t} of the run. */
    record Sample(int t, long buffered) {}

    /** The samples taken while load was offered (lines marked "(draining)" come after it). */
    static Backlog parse(String log) {
        List<Sample> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches() && !line.contains("(draining)")) {
                out.add(new Sample(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return new Backlog(List.copyOf(out));
    }

    /** Slope (rows/s) of the least-squares line through the samples at {@code t >= skip}; NaN under 5 samples. */
    double growthPerSecond(int skip) {
        List<Sample> s = samples.stream().filter(x -> x.t() >= skip).toList();
        if (s.size() < 5) {
            return Double.NaN;
        }
        double mt = s.stream().mapToDouble(Sample::t).average().orElseThrow();
        double mb = s.stream().mapToDouble(Sample::buffered).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            num += (x.t() - mt) * (x.buffered() - mb);
            den += (x.t() - mt) * (x.t() - mt);
        }
        return num / den;
    }

    long peak() {
        return samples.stream().mapToLong(Sample::buffered).max().orElse(0);
    }
}
