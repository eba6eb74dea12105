package dev.z4j.brain.loadgen;

import org.HdrHistogram.Histogram;

/** The percentiles a report prints, in milliseconds, from a histogram of microseconds. */
record Percentiles(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    static Percentiles of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Percentiles(0, 0, 0, 0, 0, 0, 0);
        }
        return new Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                Math.round(h.getMean()) / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
