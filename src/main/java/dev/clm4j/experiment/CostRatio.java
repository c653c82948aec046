package dev.clm4j.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A method's training cost relative to {@code full}'s, compared like with like: a run counts only
 * when {@code full} ran with the same build and the same options (thread count included), because
 * a table filled over several sessions mixes builds, thread counts and machines, and a ratio of
 * means over such a mix says nothing. Each counted run is set against the mean of the {@code full}
 * runs of its own build and options.
 */
final class CostRatio {
    private CostRatio() {
    }

    /** The ratio and how many of the method's successful runs it counts. */
    record Ratio(double value, int counted, int runs) {
        /** "0.48x", "0.48x (3 of 8 runs)" when some runs had no comparable full run, "–" for none. */
        String format() {
            if (counted == 0 || Double.isNaN(value)) {
                return "–";
            }
            String x = String.format(Locale.ROOT, "%.2fx", value);
            return counted == runs ? x : x + " (" + counted + " of " + runs + " runs)";
        }
    }

    /**
     * The cost of {@code method} over {@code full} in the measure {@code f} (null where a run lacks
     * it). NaN when a counted run of either method lacks the measure: no means over part of the runs.
     */
    static Ratio of(List<RunResult> method, List<RunResult> full, Function<RunResult, Double> f) {
        List<RunResult> okRuns = method.stream().filter(RunResult::ok).toList();
        if (full == null) {
            return new Ratio(Double.NaN, 0, okRuns.size());
        }
        Map<String, List<RunResult>> fullByKey = full.stream().filter(RunResult::ok)
                .collect(Collectors.groupingBy(CostRatio::key));
        double spent = 0;
        double fullSpent = 0;
        int counted = 0;
        boolean missing = false;
        for (RunResult r : okRuns) {
            List<RunResult> peers = fullByKey.get(key(r));
            if (peers == null) {
                continue;
            }
            counted++;
            Double v = f.apply(r);
            List<Double> peerValues = ResultGroups.values(peers, f);
            if (v == null || peerValues.size() != peers.size()) {
                missing = true;
                continue;
            }
            spent += v;
            fullSpent += Stats.mean(peerValues);
        }
        double value = missing || fullSpent <= 0 ? Double.NaN : spent / fullSpent;
        return new Ratio(value, counted, okRuns.size());
    }

    /** Runs are comparable when the same build ran them with the same options. */
    private static String key(RunResult r) {
        return r.version() + "\u0000" + ResultsTable.describeConfig(r.config());
    }
}
