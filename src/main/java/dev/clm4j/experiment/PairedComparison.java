package dev.clm4j.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * clm against each other method of one table, seed by seed: the accuracy difference on every seed
 * both have, its mean, how many seeds clm is ahead on, and a 95% confidence interval of the mean
 * difference (Student's t over the seeds). A paired difference is what "beats" means here: the same
 * seed gives both methods the same data order and validation split, so that part of the noise cancels.
 */
final class PairedComparison {
    static final String CLM = "clm";

    /** Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042};

    /** One row: clm minus {@code method}, in accuracy points. */
    record Row(String method, List<Double> differences, int ahead, double mean, double halfWidth) {
    }

    private PairedComparison() {
    }

    /**
     * The t quantile for {@code df} degrees of freedom; above 30 the value for 30, which is slightly
     * wider than the true one (at most 2.042 against 1.960), so intervals err on the cautious side.
     */
    static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be positive: " + df);
        }
        return T975[Math.min(df, T975.length) - 1];
    }

    /** A row per other method with at least two seeds in common with clm; empty without clm. */
    static List<Row> rows(Map<String, List<RunResult>> byMethod) {
        Map<Long, Double> clm = accuracyBySeed(byMethod.get(CLM));
        List<Row> rows = new ArrayList<>();
        if (clm.isEmpty()) {
            return rows;
        }
        for (Map.Entry<String, List<RunResult>> e : byMethod.entrySet()) {
            if (e.getKey().equals(CLM)) {
                continue;
            }
            Map<Long, Double> other = accuracyBySeed(e.getValue());
            List<Double> diffs = new ArrayList<>();
            int ahead = 0;
            for (Map.Entry<Long, Double> s : clm.entrySet()) {
                Double o = other.get(s.getKey());
                if (o != null) {
                    double d = 100 * (s.getValue() - o);
                    diffs.add(d);
                    ahead += d > 0 ? 1 : 0;
                }
            }
            if (diffs.size() >= 2) {
                double half = t975(diffs.size() - 1) * Stats.std(diffs) / Math.sqrt(diffs.size());
                rows.add(new Row(e.getKey(), diffs, ahead, Stats.mean(diffs), half));
            }
        }
        return rows;
    }

    /** The markdown block for one table, or "" when there is nothing to compare. */
    static String render(Map<String, List<RunResult>> byMethod) {
        List<Row> rows = rows(byMethod);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nclm against each method, seed by seed (accuracy points, clm minus the method; "
                + "95% interval of the mean difference by Student's t over the shared seeds):\n\n");
        sb.append("| clm minus | mean | 95% interval | clm ahead | per seed |\n|---|---:|---|---:|---|\n");
        for (Row r : rows) {
            List<String> each = r.differences().stream().map(d -> String.format(Locale.ROOT, "%+.2f", d)).toList();
            sb.append(String.format(Locale.ROOT, "| %s | %+.2f | %+.2f to %+.2f | %d of %d | %s |\n", r.method(), r.mean(),
                    r.mean() - r.halfWidth(), r.mean() + r.halfWidth(), r.ahead(), r.differences().size(),
                    String.join(", ", each)));
        }
        return sb.toString();
    }

    private static Map<Long, Double> accuracyBySeed(List<RunResult> rs) {
        Map<Long, Double> out = new TreeMap<>();
        if (rs != null) {
            for (RunResult r : rs) {
                if (r.ok() && r.accuracy() != null) {
                    out.put(r.seed(), r.accuracy());
                }
            }
        }
        return out;
    }
}
