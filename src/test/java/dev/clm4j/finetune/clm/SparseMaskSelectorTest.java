package dev.clm4j.finetune.clm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.finetune.clm.SparseMaskSelector.Candidate;
import dev.clm4j.finetune.clm.SparseMaskSelector.Pick;
import dev.clm4j.finetune.clm.SparseMaskSelector.Scale;
import dev.clm4j.nn.Linear;
import dev.clm4j.nn.Mask;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.ReferenceBackend;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How the two score scales share a row budget between a matrix with large gradients and one with small. */
class SparseMaskSelectorTest {
    private final ReferenceBackend backend = new ReferenceBackend();
    private final Linear loud = new Linear("loud", backend, new SplittableRandom(1), 3, 4);
    private final Linear quiet = new Linear("quiet", backend, new SplittableRandom(2), 3, 4);
    private final List<Candidate> candidates = List.of(Candidate.of(loud, 0), Candidate.of(quiet, 0));
    // Rows ranked 3 > 1 > 0 > 2 inside each matrix; every score of `loud` is 100 times that of `quiet`.
    private final float[] rowScores = {2, 3, 1, 4};

    private Map<Parameter, float[]> scores() {
        Map<Parameter, float[]> scores = new IdentityHashMap<>();
        scores.put(loud.weight(), weightScores(100));
        scores.put(loud.bias(), new float[4]);
        scores.put(quiet.weight(), weightScores(1));
        scores.put(quiet.bias(), new float[4]);
        return scores;
    }

    private float[] weightScores(float factor) {
        float[] s = new float[12];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 3; c++) {
                s[r * 3 + c] = factor * rowScores[r];
            }
        }
        return s;
    }

    @Test
    void matrixMeanScaleGivesEachMatrixItsShare() {
        Map<Parameter, Mask> masks = SparseMaskSelector.rows(candidates, scores(), new IdentityHashMap<>(), 4 * 4, Scale.MATRIX_MEAN);
        assertArrayEquals(new int[] {1, 3}, masks.get(loud.weight()).selectedRows());
        assertArrayEquals(new int[] {1, 3}, masks.get(quiet.weight()).selectedRows());
        assertArrayEquals(new int[] {1, 3}, masks.get(quiet.bias()).selectedRows());
    }

    @Test
    void rawScaleSpendsTheBudgetWhereTheGradientIs() {
        Map<Parameter, Mask> masks = SparseMaskSelector.rows(candidates, scores(), new IdentityHashMap<>(), 4 * 4, Scale.RAW);
        assertArrayEquals(new int[] {0, 1, 2, 3}, masks.get(loud.weight()).selectedRows());
        assertFalse(masks.containsKey(quiet.weight()));
    }

    @Test
    void elementScalesFollowTheSameRule() {
        Map<Parameter, Mask> mean = SparseMaskSelector.elements(candidates, scores(), 6, Scale.MATRIX_MEAN);
        Map<Parameter, Mask> raw = SparseMaskSelector.elements(candidates, scores(), 6, Scale.RAW);
        assertTrue(mean.containsKey(quiet.weight()));
        assertFalse(raw.containsKey(quiet.weight()));
        assertArrayEquals(new int[] {3, 4, 5, 9, 10, 11}, raw.get(loud.weight()).flatIndices());
    }

    @Test
    void shareScaleGivesEachMatrixItsShareEvenAgainstTheRawScores() {
        // 3 rows of 4 entries: `loud` would take all under the raw scale; share splits them 2 + 1
        // by largest remainder (1.5 each, the tie to the first), best rows first inside each.
        Map<Parameter, Mask> rows = SparseMaskSelector.rows(candidates, scores(), new IdentityHashMap<>(), 3 * 4, Scale.SHARE);
        assertArrayEquals(new int[] {1, 3}, rows.get(loud.weight()).selectedRows());
        assertArrayEquals(new int[] {3}, rows.get(quiet.weight()).selectedRows());
        // 8 entries over 4 tensors of 12, 4, 12, 4 entries: 3, 1, 3, 1, the best weight entries
        // (row 3, then row 1's first) and the first bias entry (all bias scores tie at 0).
        Map<Parameter, Mask> elements = SparseMaskSelector.elements(candidates, scores(), 8, Scale.SHARE);
        assertArrayEquals(new int[] {9, 10, 11}, elements.get(loud.weight()).flatIndices());
        assertArrayEquals(new int[] {9, 10, 11}, elements.get(quiet.weight()).flatIndices());
        assertArrayEquals(new int[] {0}, elements.get(loud.bias()).flatIndices());
        assertArrayEquals(new int[] {0}, elements.get(quiet.bias()).flatIndices());
    }

    @Test
    void sharesApportionTheBudgetInWholeUnits() {
        assertArrayEquals(new long[] {2, 1}, SparseMaskSelector.shares(new long[] {4, 4}, new long[] {4, 4}, 12));
        // Shares 7.5, 2.5 of 10 entries: floor 7 and 2, the unit left over to the larger remainder (the first).
        assertArrayEquals(new long[] {8, 2}, SparseMaskSelector.shares(new long[] {30, 10}, new long[] {1, 1}, 10));
        // Never more than a tensor has, and never over the budget.
        assertArrayEquals(new long[] {3, 5}, SparseMaskSelector.shares(new long[] {3, 5}, new long[] {1, 1}, 100));
        assertArrayEquals(new long[] {0, 0}, SparseMaskSelector.shares(new long[] {3, 5}, new long[] {7, 7}, 6));
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rng.nextInt(6);
            long[] units = new long[n];
            long[] cost = new long[n];
            long total = 0;
            for (int i = 0; i < n; i++) {
                units[i] = 1 + rng.nextInt(50);
                cost[i] = 1 + rng.nextInt(9);
                total += units[i] * cost[i];
            }
            long budget = rng.nextLong(total + 1);
            long[] q = SparseMaskSelector.shares(units, cost, budget);
            long spent = 0;
            for (int i = 0; i < n; i++) {
                double exact = (double) budget / total * units[i];
                assertTrue(q[i] <= units[i] && q[i] >= Math.floor(exact) && q[i] <= Math.ceil(exact), "trial " + trial);
                spent += q[i] * cost[i];
            }
            assertTrue(spent <= budget, "trial " + trial);
        }
    }

    @Test
    void lowestPickTakesTheRowsRankedLast() {
        Map<Parameter, Mask> mean = SparseMaskSelector.rows(candidates, scores(), new IdentityHashMap<>(), 4 * 4,
                Scale.MATRIX_MEAN, Pick.LOWEST, null);
        assertArrayEquals(new int[] {0, 2}, mean.get(loud.weight()).selectedRows());
        assertArrayEquals(new int[] {0, 2}, mean.get(quiet.weight()).selectedRows());
        Map<Parameter, Mask> raw = SparseMaskSelector.rows(candidates, scores(), new IdentityHashMap<>(), 4 * 4, Scale.RAW,
                Pick.LOWEST, null);
        assertArrayEquals(new int[] {0, 1, 2, 3}, raw.get(quiet.weight()).selectedRows());
        assertFalse(raw.containsKey(loud.weight()));
    }

    @Test
    void lowestPickOfElementsTakesTheSmallestEntries() {
        // The 8 bias entries score 0, so they go first; then the lowest weight row of `quiet`.
        Map<Parameter, Mask> raw = SparseMaskSelector.elements(candidates, scores(), 8 + 3, Scale.RAW, true);
        assertFalse(raw.containsKey(loud.weight()));
        assertTrue(raw.containsKey(loud.bias()));
        assertArrayEquals(new int[] {6, 7, 8}, raw.get(quiet.weight()).flatIndices());
    }

    @Test
    void sampledPickDrawsRowsInProportionToTheirScores() {
        // Row 3 scores 4, row 2 scores 1 (of 10 in each matrix): over many draws of one row per
        // matrix, row 3 must come up about 4 times as often as row 2, and every row sometimes.
        int[] counts = new int[4];
        SplittableRandom rng = new SplittableRandom(7);
        for (int draw = 0; draw < 4000; draw++) {
            Map<Parameter, Mask> m = SparseMaskSelector.rows(List.of(Candidate.of(loud, 0)), scores(), new IdentityHashMap<>(),
                    4, Scale.MATRIX_MEAN, Pick.SAMPLE, rng);
            counts[m.get(loud.weight()).selectedRows()[0]]++;
        }
        for (int r = 0; r < 4; r++) {
            double expected = 4000 * rowScores[r] / 10.0;
            assertTrue(Math.abs(counts[r] - expected) < 0.1 * expected, "row " + r + ": " + counts[r] + " of 4000");
        }
    }

    @Test
    void randomElementsSpendTheBudgetExactlyAndUniformly() {
        // 2 x (12 weight + 4 bias) = 32 entries; 10 drawn each time. Every entry must come up in
        // about 10/32 of the draws, whichever tensor it belongs to.
        List<Parameter> tensors = List.of(loud.weight(), loud.bias(), quiet.weight(), quiet.bias());
        int[][] counts = new int[4][];
        for (int t = 0; t < 4; t++) {
            counts[t] = new int[tensors.get(t).value().size()];
        }
        SplittableRandom rng = new SplittableRandom(11);
        int draws = 6400;
        for (int draw = 0; draw < draws; draw++) {
            Map<Parameter, Mask> m = SparseMaskSelector.randomElements(candidates, 10, rng);
            int total = 0;
            for (int t = 0; t < 4; t++) {
                Mask mask = m.get(tensors.get(t));
                if (mask == null) {
                    continue;
                }
                assertFalse(mask.wholeRows());
                int[] flat = mask.flatIndices();
                for (int i = 0; i < flat.length; i++) {
                    assertTrue(i == 0 || flat[i] > flat[i - 1], "sorted and distinct");
                    counts[t][flat[i]]++;
                }
                total += flat.length;
            }
            assertTrue(total == 10, "draw " + draw + " took " + total + " entries");
        }
        double expected = draws * 10 / 32.0;
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < counts[t].length; i++) {
                assertTrue(Math.abs(counts[t][i] - expected) < 0.1 * expected,
                        tensors.get(t).name() + "[" + i + "]: " + counts[t][i] + " of " + draws);
            }
        }
    }

    @Test
    void randomElementsTakeEverythingWhenTheBudgetCoversIt() {
        Map<Parameter, Mask> m = SparseMaskSelector.randomElements(candidates, 1000, new SplittableRandom(3));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, m.get(quiet.weight()).flatIndices());
        assertArrayEquals(new int[] {0, 1, 2, 3}, m.get(loud.bias()).flatIndices());
        assertTrue(SparseMaskSelector.randomElements(candidates, 0, new SplittableRandom(3)).isEmpty());
    }

    @Test
    void cliNamesRoundTrip() {
        for (Pick p : Pick.values()) {
            assertTrue(Pick.fromCli(p.cliName()) == p);
        }
        for (Scale s : Scale.values()) {
            assertTrue(Scale.fromCli(s.cliName()) == s);
        }
    }
}
