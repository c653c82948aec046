package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {
    private static RunResult run(String method, long seed, double acc) {
        return ResultsTableTest.ok("banking77", "full", method, seed, acc, acc, 1, 10, 1);
    }

    @Test
    void differencesArePairedBySeedWithAStudentInterval() {
        Map<String, List<RunResult>> byMethod = new LinkedHashMap<>();
        byMethod.put("clm", List.of(run("clm", 0, 0.925), run("clm", 1, 0.920), run("clm", 2, 0.930), run("clm", 5, 0.9)));
        // seed 3 has no clm run and seed 5 no random-sparse run: neither counts
        byMethod.put("random-sparse", List.of(run("random-sparse", 0, 0.920), run("random-sparse", 1, 0.921),
                run("random-sparse", 2, 0.926), run("random-sparse", 3, 0.99)));
        List<PairedComparison.Row> rows = PairedComparison.rows(byMethod);
        assertEquals(1, rows.size());
        PairedComparison.Row r = rows.get(0);
        assertEquals(List.of(0.5, -0.1, 0.4), r.differences().stream().map(d -> Math.round(d * 1e9) / 1e9).toList());
        assertEquals(2, r.ahead());
        assertEquals(0.8 / 3, r.mean(), 1e-9);
        // squared deviations from 4/15 sum to 0.62/3, so the sample std is sqrt(0.62 / 3 / 2); t(2) = 4.303
        assertEquals(4.303 * Math.sqrt(0.62 / 3 / 2) / Math.sqrt(3), r.halfWidth(), 1e-9);
        String md = PairedComparison.render(byMethod);
        assertTrue(md.contains("| random-sparse | +0.27 | -0.53 to +1.07 | 2 of 3 | +0.50, -0.10, +0.40 |"), md);
    }

    @Test
    void nothingToCompareWithoutClmOrWithFewerThanTwoSharedSeeds() {
        Map<String, List<RunResult>> noClm = new LinkedHashMap<>();
        noClm.put("full", List.of(run("full", 0, 0.9), run("full", 1, 0.9)));
        assertEquals("", PairedComparison.render(noClm));
        Map<String, List<RunResult>> oneSeed = new LinkedHashMap<>();
        oneSeed.put("clm", List.of(run("clm", 0, 0.9), run("clm", 1, 0.9)));
        oneSeed.put("full", List.of(run("full", 1, 0.9)));
        assertEquals("", PairedComparison.render(oneSeed));
    }

    @Test
    void failedRunsAreLeftOut() {
        Map<String, List<RunResult>> byMethod = new LinkedHashMap<>();
        byMethod.put("clm", List.of(run("clm", 0, 0.92), run("clm", 1, 0.93), ResultsTableTest.failed("banking77", "full", "clm", 2)));
        byMethod.put("full", List.of(run("full", 0, 0.91), run("full", 1, 0.91), run("full", 2, 0.95)));
        PairedComparison.Row r = PairedComparison.rows(byMethod).get(0);
        assertEquals(2, r.differences().size());
        assertEquals(2, r.ahead());
    }

    @Test
    void studentQuantiles() {
        assertEquals(12.706, PairedComparison.t975(1));
        assertEquals(2.262, PairedComparison.t975(9));
        assertEquals(2.042, PairedComparison.t975(100));
        assertThrows(IllegalArgumentException.class, () -> PairedComparison.t975(0));
    }
}
