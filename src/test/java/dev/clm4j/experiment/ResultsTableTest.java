package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTableTest {
    static RunResult ok(String dataset, String setting, String method, long seed, double acc, double f1, long params,
                        double seconds, long heap) {
        return ok(dataset, setting, method, seed, acc, f1, params, seconds, heap, null);
    }

    static RunResult ok(String dataset, String setting, String method, long seed, double acc, double f1, long params,
                        double seconds, long heap, Map<String, Object> report) {
        return new RunResult(dataset, setting, setting.equals("full") ? null : Integer.parseInt(setting.substring(1)),
                method, seed, RunResult.OK, null, acc, f1, params, 22_000_000L, seconds, seconds + 5, heap, 2L * heap, 3,
                method, "train.csv", "test.csv", config(), "2026-01-01T00:00:00Z", "clm4j test", report);
    }

    static RunResult failed(String dataset, String setting, String method, long seed) {
        return new RunResult(dataset, setting, null, method, seed, RunResult.FAILED, "exit status 137 (killed)", null, null,
                null, null, null, 3.0, null, null, 3, method, "train.csv", "test.csv", config(),
                "2026-01-01T00:00:00Z", "clm4j test", null);
    }

    static Map<String, Object> config() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("epochs", 3);
        c.put("batch", 32);
        return c;
    }

    @Test
    void meanAndSampleStdInPercent() {
        assertEquals("92.60 ± 0.31", ResultsTable.meanStd(List.of(0.9229, 0.9260, 0.9291), 100));
        assertEquals("92.60", ResultsTable.meanStd(List.of(0.926), 100));
        assertEquals("–", ResultsTable.meanStd(List.of(), 100));
        assertEquals(0.031, Stats.std(List.of(0.9229, 0.9260, 0.9291)) * 10, 1e-12);
    }

    @Test
    void buildsOfTheRunsAreListedWithTheirCounts() {
        RunResult a = ok("banking77", "full", "full", 0, 0.92, 0.91, 1, 10, 1);
        assertEquals("Build of every run: clm4j test.\n\n", ResultsTable.builds(List.of(a, a)));
        RunResult b = withVersion(a, "clm4j 0.1.0 (65610c9)");
        RunResult old = withVersion(a, null);
        assertEquals("Builds of the runs (result files' `version`):\n- clm4j 0.1.0 (65610c9): 2 runs\n"
                + "- clm4j test: 1 run\n- unrecorded: 1 run\n\n", ResultsTable.builds(List.of(b, a, old, b)));
        assertTrue(ResultsTable.render(List.of(a, b), List.of("full"), null, null).contains("- clm4j test: 1 run"));
    }

    static RunResult withVersion(RunResult r, String version) {
        return with(r, version, r.config());
    }

    @Test
    void relativeCostFormat() {
        assertEquals("0.38x", new CostRatio.Ratio(516.0 / 1372, 3, 3).format());
        assertEquals("0.38x (3 of 8 runs)", new CostRatio.Ratio(516.0 / 1372, 3, 8).format());
        assertEquals("–", new CostRatio.Ratio(Double.NaN, 3, 3).format());
        assertEquals("–", new CostRatio.Ratio(0.5, 0, 3).format());
    }

    /**
     * A table filled over sessions: clm's seeds 3-4 ran with another build and thread count than
     * any full run, so they are left out of its cost, and the count says so.
     */
    @Test
    void costComparesOnlyRunsOfTheSameBuildAndOptions() {
        List<RunResult> rs = new ArrayList<>();
        for (long seed = 0; seed < 2; seed++) {
            rs.add(ok("b", "full", "full", seed, 0.9, 0.9, 22_595_021, 400, 1L << 30, Map.of("train_cpu_seconds", 800.0)));
            rs.add(ok("b", "full", "clm", seed, 0.9, 0.9, 1_000_000, 200, 1L << 30, Map.of("train_cpu_seconds", 360.0)));
        }
        for (long seed = 2; seed < 4; seed++) {
            RunResult slow = ok("b", "full", "clm", seed, 0.9, 0.9, 1_000_000, 380, 1L << 30, Map.of("train_cpu_seconds", 380.0));
            Map<String, Object> oneThread = new java.util.LinkedHashMap<>(slow.config());
            oneThread.put("threads", 1);
            rs.add(withConfig(withVersion(slow, "clm4j 0.1.0 (f8d85c5)"), oneThread));
        }
        // another build with full's options is not comparable either
        rs.add(withVersion(ok("b", "full", "clm", 4, 0.9, 0.9, 1_000_000, 100, 1L << 30), "clm4j 0.1.0 (04b0258)"));
        String md = ResultsTable.table(ResultGroups.of(rs, List.of("full", "clm")).values().iterator().next());
        assertTrue(md.contains("| full | 90.00 ± 0.00 | 90.00 ± 0.00 | 22,595,021 | 400.0 | 1,024 | 2,048 | 1.00x | 1.00x | 2 |"), md);
        assertTrue(md.contains("| 252.0 | 1,024 | 2,048 | 0.50x (2 of 5 runs) | 0.45x (2 of 5 runs) | 5 |"), md);
    }

    static RunResult withConfig(RunResult r, Map<String, Object> config) {
        return with(r, r.version(), config);
    }

    static RunResult with(RunResult r, String version, Map<String, Object> config) {
        return new RunResult(r.dataset(), r.setting(), r.perClass(), r.method(), r.seed(), r.status(), r.error(),
                r.accuracy(), r.macroF1(), r.trainableParams(), r.totalParams(), r.trainSeconds(), r.wallSeconds(),
                r.peakHeapBytes(), r.peakRssBytes(), r.epochs(), r.baseMethod(), r.train(), r.test(), config, r.date(),
                version, r.finetuneReport());
    }

    @Test
    void oneTablePerDatasetAndSettingRowsInMethodOrder() {
        List<RunResult> rs = new ArrayList<>();
        for (long seed = 0; seed < 3; seed++) {
            rs.add(ok("banking77", "full", "full", seed, 0.92 + 0.01 * seed, 0.91 + 0.01 * seed, 22_595_021, 1000 + 100 * seed, 3L << 30));
            rs.add(ok("banking77", "full", "clm", seed, 0.93, 0.92, 1_157_766 + seed, 440, 1L << 30));
            rs.add(ok("banking77", "k10", "head", seed, 0.84, 0.83, 29_645, 50, 1L << 29));
        }
        rs.add(failed("banking77", "full", "clm", 3));
        String md = ResultsTable.render(rs, List.of("full", "clm", "head"), "Generated now.", "accuracy-vs-time.png");
        assertTrue(md.startsWith("# Experiment results\n\nGenerated now.\n"), md);
        assertTrue(md.contains("Options of every run: epochs 3, batch 32."), md);
        assertTrue(md.contains("![accuracy against training time](accuracy-vs-time.png)"), md);
        int full = md.indexOf("## banking77, full training set");
        int k10 = md.indexOf("## banking77, 10 per class");
        assertTrue(full >= 0 && k10 > full, md);
        assertTrue(md.contains("| full | 93.00 ± 1.00 | 92.00 ± 1.00 | 22,595,021 | 1100.0 | 3,072 | 6,144 | 1.00x | – | 3 |"), md);
        assertTrue(md.contains("| clm | 93.00 ± 0.00 | 92.00 ± 0.00 | 1,157,766–1,157,768 | 440.0 | 1,024 | 2,048 | 0.40x "
                + "| – | 3 (+1 failed) |"), md);
        assertTrue(md.indexOf("| full |") < md.indexOf("| clm |"), md);
        // no full run with 10 per class: no relative cost
        assertTrue(md.contains("| head | 84.00 ± 0.00 | 83.00 ± 0.00 | 29,645 | 50.0 | 512 | 1,024 | – | – | 3 |"), md);
        assertTrue(md.contains("- clm seed 3: exit status 137 (killed)"), md);
    }

    /** The CPU cost column compares process CPU seconds, when every run of both methods has them. */
    @Test
    void cpuCostFromTheFinetuneReports() {
        List<RunResult> rs = new ArrayList<>();
        for (long seed = 0; seed < 2; seed++) {
            rs.add(ok("snips", "full", "full", seed, 0.9, 0.9, 22_595_021, 600, 1L << 30, Map.of("train_cpu_seconds", 1000.0)));
            rs.add(ok("snips", "full", "clm", seed, 0.9, 0.9, 1_000_000, 300, 1L << 30, Map.of("train_cpu_seconds", 400.0)));
            rs.add(ok("snips", "full", "head", seed, 0.9, 0.9, 2_695, 60, 1L << 30, seed == 0 ? Map.of("train_cpu_seconds", 90.0) : null));
        }
        String md = ResultsTable.table(ResultGroups.of(rs, List.of("full", "clm", "head")).values().iterator().next());
        assertTrue(md.contains("| 300.0 | 1,024 | 2,048 | 0.50x | 0.40x | 2 |"), md);
        // one head run has no CPU time: no mean over a part of the seeds
        assertTrue(md.contains("| 60.0 | 1,024 | 2,048 | 0.10x | – | 2 |"), md);
    }

    @Test
    void noResults() {
        assertTrue(ResultsTable.render(List.of(), List.of(), null, null).contains("No results yet."));
    }
}
