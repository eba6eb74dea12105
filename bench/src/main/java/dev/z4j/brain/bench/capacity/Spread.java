package dev.z4j.brain.bench.capacity;

import java.util.List;

/** Lowest, median and highest of a few repetitions of one measurement. */
record Spread(double min, double median, double max, int n) {

    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no repetitions");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Spread(v[0], median, v[v.length - 1], v.length);
    }

    /** (max - min) / median, e.g. 0.08 for an 8% spread. */
    double relative() {
        return (max - min) / median;
    }
}
