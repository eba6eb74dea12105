package dev.z4j.brain.bench.capacity;

import java.util.List;

/** Percentiles of a small sample (a few hundred probes: sorting beats a histogram). */
record Latencies(int count, int lost, double p50, double p99, double max) {

    static Latencies of(List<Double> millis, int lost) {
        double[] v = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return new Latencies(0, lost, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Latencies(v.length, lost, at(v, 0.50), at(v, 0.99), v[v.length - 1]);
    }

    /** Nearest-rank percentile. */
    private static double at(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public String toString() {
        return String.format("p50=%.1f ms p99=%.1f ms max=%.1f ms (n=%d%s)", p50, p99, max, count,
                lost == 0 ? "" : ", " + lost + " lost");
    }
}
