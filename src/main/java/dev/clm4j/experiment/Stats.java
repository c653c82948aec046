package dev.clm4j.experiment;

import java.util.List;

/** Mean and sample standard deviation. */
final class Stats {
    private Stats() {
    }

    static double mean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return xs.isEmpty() ? Double.NaN : s / xs.size();
    }

    /** Sample standard deviation (n - 1); NaN below two values. */
    static double std(List<Double> xs) {
        if (xs.size() < 2) {
            return Double.NaN;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.size() - 1));
    }
}
