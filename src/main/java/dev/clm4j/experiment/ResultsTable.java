package dev.clm4j.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** results.md: per dataset and setting, one markdown table with a row per method. */
public final class ResultsTable {
    static final String FULL = "full";

    private ResultsTable() {
    }

    /**
     * The whole document. {@code generated} is a line saying when and by what (kept out of the
     * tables, so that they depend on the results alone); {@code plotFile} the image to link, or null.
     */
    public static String render(List<RunResult> results, List<String> methodOrder, String generated, String plotFile) {
        StringBuilder sb = new StringBuilder("# Experiment results\n\n");
        if (generated != null) {
            sb.append(generated).append("\n\n");
        }
        if (results.isEmpty()) {
            return sb.append("No results yet.\n").toString();
        }
        sb.append("Accuracy and macro-F1 on the test set, in percent: mean ± sample standard deviation over seeds "
                + "(one seed: the value alone). Train s: mean trainer time per run (linear probe and epochs). "
                + "Peak heap: the largest over seeds of the trainer's peak Java heap; peak RSS: the largest peak resident "
                + "memory of a run's JVM. Cost vs full: mean train time over `full`'s on the same data, counting only the "
                + "runs for which `full` ran with the same build and options (thread count included; the count in brackets "
                + "when some runs had no such `full` run); CPU cost vs full: the same with the process CPU time of training "
                + "(all threads; unlike wall time, not inflated by other work on a shared machine; – for results written "
                + "before it was recorded).\n\n");
        Set<String> configs = new LinkedHashSet<>();
        for (RunResult r : results) {
            configs.add(describeConfig(r.config()));
        }
        if (configs.size() == 1) {
            sb.append("Options of every run: ").append(configs.iterator().next()).append(".\n\n");
        } else {
            sb.append("The runs used different options (see `config` in each result file):\n");
            for (String c : configs) {
                sb.append("- ").append(c).append('\n');
            }
            sb.append('\n');
        }
        sb.append(builds(results));
        if (plotFile != null) {
            sb.append("![accuracy against training time](").append(plotFile).append(")\n\n");
        }
        for (Map.Entry<ResultGroups.Key, Map<String, List<RunResult>>> g : ResultGroups.of(results, methodOrder).entrySet()) {
            sb.append("## ").append(g.getKey().title()).append("\n\n");
            sb.append(table(g.getValue()));
            sb.append(PairedComparison.render(g.getValue()));
            List<String> failures = new ArrayList<>();
            for (List<RunResult> rs : g.getValue().values()) {
                for (RunResult r : rs) {
                    if (!r.ok()) {
                        failures.add("- " + r.method() + " seed " + r.seed() + ": " + oneLine(r.error()));
                    }
                }
            }
            if (!failures.isEmpty()) {
                sb.append("\nFailed runs (retried by the next `clm experiment` unless --skip-failed):\n");
                failures.forEach(f -> sb.append(f).append('\n'));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Which builds made the runs, with how many runs each: timings are comparable within one build,
     * and a table filled over several sessions may hold more than one.
     */
    static String builds(List<RunResult> results) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (RunResult r : results) {
            counts.merge(r.version() == null || r.version().isBlank() ? "unrecorded" : r.version(), 1, Integer::sum);
        }
        if (counts.size() == 1) {
            return "Build of every run: " + counts.keySet().iterator().next() + ".\n\n";
        }
        StringBuilder sb = new StringBuilder("Builds of the runs (result files' `version`):\n");
        counts.forEach((v, n) -> sb.append("- ").append(v).append(": ").append(n).append(n == 1 ? " run\n" : " runs\n"));
        return sb.append('\n').toString();
    }

    /** One table: rows per method in the map's order. */
    static String table(Map<String, List<RunResult>> byMethod) {
        StringBuilder sb = new StringBuilder();
        sb.append("| method | accuracy % | macro-F1 % | trainable params | train s | peak heap MiB | peak RSS MiB "
                + "| cost vs full | CPU cost vs full | seeds |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<RunResult> full = byMethod.get(FULL);
        for (Map.Entry<String, List<RunResult>> e : byMethod.entrySet()) {
            List<RunResult> rs = e.getValue();
            List<Double> times = ResultGroups.values(rs, RunResult::trainSeconds);
            double time = Stats.mean(times);
            sb.append("| ").append(e.getKey())
                    .append(" | ").append(meanStd(ResultGroups.values(rs, RunResult::accuracy), 100))
                    .append(" | ").append(meanStd(ResultGroups.values(rs, RunResult::macroF1), 100))
                    .append(" | ").append(params(ResultGroups.values(rs, RunResult::trainableParams)))
                    .append(" | ").append(times.isEmpty() ? "–" : String.format(Locale.ROOT, "%.1f", time))
                    .append(" | ").append(mib(ResultGroups.values(rs, RunResult::peakHeapBytes)))
                    .append(" | ").append(mib(ResultGroups.values(rs, RunResult::peakRssBytes)))
                    .append(" | ").append(CostRatio.of(rs, full, RunResult::trainSeconds).format())
                    .append(" | ").append(CostRatio.of(rs, full, ResultsTable::trainCpuSeconds).format())
                    .append(" | ").append(seeds(rs))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The finetune report's training CPU seconds, null when it has none. */
    static Double trainCpuSeconds(RunResult r) {
        Object v = r.finetuneReport() == null ? null : r.finetuneReport().get("train_cpu_seconds");
        return v instanceof Number n ? n.doubleValue() : null;
    }

    /** "92.60 ± 0.31" (values scaled), "92.60" for one value, "–" for none. */
    static String meanStd(List<Double> xs, double scale) {
        if (xs.isEmpty()) {
            return "–";
        }
        double m = Stats.mean(xs) * scale;
        if (xs.size() == 1) {
            return String.format(Locale.ROOT, "%.2f", m);
        }
        return String.format(Locale.ROOT, "%.2f ± %.2f", m, Stats.std(xs) * scale);
    }

    /** The count, or "min–max" when seeds differ (e.g. a different number of new tokens). */
    static String params(List<Double> xs) {
        if (xs.isEmpty()) {
            return "–";
        }
        long lo = Math.round(xs.stream().mapToDouble(Double::doubleValue).min().getAsDouble());
        long hi = Math.round(xs.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
        return lo == hi ? String.format(Locale.ROOT, "%,d", lo) : String.format(Locale.ROOT, "%,d–%,d", lo, hi);
    }

    /** The largest, in MiB. */
    static String mib(List<Double> bytes) {
        if (bytes.isEmpty()) {
            return "–";
        }
        double max = bytes.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
        return String.format(Locale.ROOT, "%,d", Math.round(max / (1024.0 * 1024.0)));
    }

    /** "3", or "2 (+1 failed)". */
    static String seeds(List<RunResult> rs) {
        long ok = rs.stream().filter(RunResult::ok).count();
        long failed = rs.size() - ok;
        return failed == 0 ? Long.toString(ok) : ok + " (+" + failed + " failed)";
    }

    static String describeConfig(Map<String, Object> config) {
        if (config == null || config.isEmpty()) {
            return "not recorded";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Object> e : new LinkedHashMap<>(config).entrySet()) {
            Object v = e.getValue();
            if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    continue;
                }
                v = String.join(" ", l.stream().map(String::valueOf).toList());
            }
            parts.add(e.getKey().replace('_', ' ') + " " + v);
        }
        return String.join(", ", parts);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.replace('\n', ' ').replace("|", "\\|");
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }
}
