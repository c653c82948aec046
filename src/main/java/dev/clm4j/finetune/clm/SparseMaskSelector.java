package dev.clm4j.finetune.clm;

import dev.clm4j.nn.Linear;
import dev.clm4j.nn.Mask;
import dev.clm4j.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Stage 4: turns sensitivity scores into a fixed sparse mask within a parameter budget. Scores are
 * put on one scale ({@link Scale}), then the globally best rows (or single entries) are taken until
 * the budget is spent ({@link Scale#SHARE}: the best inside each matrix, up to its share). A linear
 * layer's bias entry goes with its weight row.
 */
public final class SparseMaskSelector {

    /** How scores of different matrices are made comparable before the global ranking. */
    public enum Scale {
        /**
         * METHOD.md: each matrix's scores divided by that matrix's mean, so that matrices with large
         * gradients do not take everything; in practice every matrix gets about its share of rows.
         */
        MATRIX_MEAN("mean"),
        /**
         * Raw scores per trainable entry (a row's sum divided by its cost): the greedy choice that
         * captures the most squared gradient within the budget, as Fisher masks (Sung et al.) do,
         * so matrices with large gradients get more rows.
         */
        RAW("raw"),
        /**
         * Each matrix gets exactly its share of the budget (the density of its own entries, as a
         * random mask takes in expectation), filled with its best-scored rows or entries: the scores
         * choose only inside a matrix. An ablation that separates which entries from how many per
         * matrix, since entry scores are heavy-tailed and the mean scale alone starves some matrices.
         */
        SHARE("share");

        private final String cliName;

        Scale(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Scale fromCli(String name) {
            for (Scale s : values()) {
                if (s.cliName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown score scale '" + name + "' (mean, raw or share)");
        }
    }

    /** Which rows the ranking takes. */
    public enum Pick {
        /** The best-scored rows (METHOD.md). */
        HIGHEST("highest"),
        /** The worst-scored rows: an ablation that shows whether the scores tell rows apart at all. */
        LOWEST("lowest"),
        /**
         * Rows drawn at random without replacement, each with probability in proportion to its
         * scaled score (Efraimidis-Spirakis keys u^(1/score)): a mask as spread out as random rows,
         * weighted toward the sensitive ones.
         */
        SAMPLE("sample");

        private final String cliName;

        Pick(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Pick fromCli(String name) {
            for (Pick p : values()) {
                if (p.cliName.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown pick '" + name + "' (highest, lowest or sample)");
        }
    }

    /** A matrix whose rows may be selected, with its layer (-1: embeddings). */
    public record Candidate(Parameter weight, Parameter bias, int layer) {
        static Candidate of(Linear linear, int layer) {
            return new Candidate(linear.weight(), linear.bias(), layer);
        }

        long rowCost() {
            return weight.colCount() + (bias == null ? 0 : 1);
        }
    }

    private record ScoredRow(Candidate owner, int row, double score) {
    }

    private SparseMaskSelector() {
    }

    /**
     * Whole rows. {@code scores} holds S for each weight (dense, or compact rows for a weight whose
     * gradient was restricted to {@code scoredRows}) and each bias.
     */
    public static Map<Parameter, Mask> rows(List<Candidate> candidates, Map<Parameter, float[]> scores,
                                            Map<Parameter, int[]> scoredRows, long budget, Scale scale) {
        return rows(candidates, scores, scoredRows, budget, scale, Pick.HIGHEST, null);
    }

    /** As {@link #rows(List, Map, Map, long, Scale)}, taking rows by {@code pick}; {@code rng} draws {@link Pick#SAMPLE}. */
    public static Map<Parameter, Mask> rows(List<Candidate> candidates, Map<Parameter, float[]> scores,
                                            Map<Parameter, int[]> scoredRows, long budget, Scale scale, Pick pick,
                                            SplittableRandom rng) {
        List<Candidate> scored = new ArrayList<>();
        List<List<ScoredRow>> byCandidate = new ArrayList<>();
        for (Candidate c : candidates) {
            float[] s = scores.get(c.weight());
            if (s == null) {
                continue;
            }
            int cols = c.weight().colCount();
            int[] rowIds = scoredRows.getOrDefault(c.weight(), null);
            int rows = s.length / cols;
            float[] bias = c.bias() == null ? null : scores.get(c.bias());
            double[] rowScore = new double[rows];
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += s[r * cols + j];
                }
                int row = rowIds == null ? r : rowIds[r];
                if (bias != null) {
                    sum += bias[row];
                }
                rowScore[r] = sum;
                mean += sum;
            }
            mean /= Math.max(1, rows);
            double divisor = scale == Scale.MATRIX_MEAN ? mean : c.rowCost();
            List<ScoredRow> own = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                double normalized = divisor > 0 ? rowScore[r] / divisor : 0;
                own.add(new ScoredRow(c, rowIds == null ? r : rowIds[r], rankKey(normalized, pick, rng)));
            }
            scored.add(c);
            byCandidate.add(own);
        }
        Map<Candidate, TreeSet<Integer>> picked = new IdentityHashMap<>();
        if (scale == Scale.SHARE) {
            long[] units = new long[scored.size()];
            long[] cost = new long[scored.size()];
            for (int i = 0; i < units.length; i++) {
                units[i] = scored.get(i).weight().rowCount();
                cost[i] = scored.get(i).rowCost();
            }
            long[] quota = shares(units, cost, budget);
            for (int i = 0; i < quota.length; i++) {
                List<ScoredRow> own = byCandidate.get(i);
                own.sort(Comparator.comparingDouble(ScoredRow::score).reversed());
                for (ScoredRow r : own.subList(0, (int) Math.min(quota[i], own.size()))) {
                    picked.computeIfAbsent(r.owner(), k -> new TreeSet<>()).add(r.row());
                }
            }
            return rowMasks(picked);
        }
        List<ScoredRow> all = new ArrayList<>();
        byCandidate.forEach(all::addAll);
        all.sort(Comparator.comparingDouble(ScoredRow::score).reversed());
        long spent = 0;
        for (ScoredRow r : all) {
            long cost = r.owner().rowCost();
            if (spent + cost > budget) {
                continue;
            }
            spent += cost;
            picked.computeIfAbsent(r.owner(), k -> new TreeSet<>()).add(r.row());
        }
        return rowMasks(picked);
    }

    private static Map<Parameter, Mask> rowMasks(Map<Candidate, TreeSet<Integer>> picked) {
        Map<Parameter, Mask> masks = new IdentityHashMap<>();
        for (Map.Entry<Candidate, TreeSet<Integer>> e : picked.entrySet()) {
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            Parameter w = e.getKey().weight();
            masks.put(w, Mask.rows(rows, w.rowCount(), w.colCount()));
            Parameter b = e.getKey().bias();
            if (b != null) {
                masks.put(b, Mask.rows(rows, b.rowCount(), 1));
            }
        }
        return masks;
    }

    /**
     * Largest-remainder apportionment of {@code budget} entries over tensors of {@code units[i]}
     * units (rows or entries) costing {@code cost[i]} entries each: tensor i gets about
     * budget x units[i] x cost[i] / total entries, in whole units, never more than it has, and the
     * whole units left over go to the largest remainders while they fit.
     */
    static long[] shares(long[] units, long[] cost, long budget) {
        long total = 0;
        for (int i = 0; i < units.length; i++) {
            total += units[i] * cost[i];
        }
        long[] quota = new long[units.length];
        if (total == 0 || budget <= 0) {
            return quota;
        }
        double fraction = Math.min(1.0, (double) budget / total);
        double[] remainder = new double[units.length];
        long spent = 0;
        for (int i = 0; i < units.length; i++) {
            double exact = fraction * units[i];
            quota[i] = Math.min(units[i], (long) Math.floor(exact));
            remainder[i] = exact - quota[i];
            spent += quota[i] * cost[i];
        }
        Integer[] order = new Integer[units.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(remainder[b], remainder[a]));
        for (int i : order) {
            if (quota[i] < units[i] && spent + cost[i] <= budget) {
                quota[i]++;
                spent += cost[i];
            }
        }
        return quota;
    }

    /** The key rows are ranked by, highest first. */
    private static double rankKey(double score, Pick pick, SplittableRandom rng) {
        switch (pick) {
            case LOWEST:
                return -score;
            case SAMPLE:
                // log(u) / w orders as u^(1/w); a row scored 0 is never drawn before any other.
                return score > 0 ? Math.log(1 - rng.nextDouble()) / score : Double.NEGATIVE_INFINITY;
            default:
                return score;
        }
    }

    /**
     * The random-sparse ablation at element granularity: {@code budget} entries drawn uniformly
     * without replacement from all weight and bias entries of the candidates, so that it differs
     * from a scored element mask only in which entries it takes. Selection sampling (Knuth's
     * algorithm S) keeps each tensor's indices sorted as they are drawn.
     */
    public static Map<Parameter, Mask> randomElements(List<Candidate> candidates, long budget, SplittableRandom rng) {
        List<Parameter> tensors = new ArrayList<>();
        long remaining = 0;
        for (Candidate c : candidates) {
            tensors.add(c.weight());
            remaining += c.weight().value().size();
            if (c.bias() != null) {
                tensors.add(c.bias());
                remaining += c.bias().value().size();
            }
        }
        long needed = Math.max(0, Math.min(budget, remaining));
        Map<Parameter, Mask> masks = new IdentityHashMap<>();
        for (Parameter p : tensors) {
            int size = p.value().size();
            int[] chosen = new int[(int) Math.min(size, needed)];
            int n = 0;
            // Entry i is taken with probability needed / remaining: every set of `budget` entries is
            // equally likely. Once the budget is spent, nothing later is taken.
            for (int i = 0; i < size && needed > 0; i++, remaining--) {
                if (rng.nextDouble() * remaining < needed) {
                    chosen[n++] = i;
                    needed--;
                }
            }
            if (n > 0) {
                masks.put(p, Mask.elements(Arrays.copyOf(chosen, n), p.rowCount(), p.colCount()));
            }
        }
        return masks;
    }

    /** Single entries of linear weights and biases (dense scores only); {@code MATRIX_MEAN} is per tensor. */
    public static Map<Parameter, Mask> elements(List<Candidate> candidates, Map<Parameter, float[]> scores, long budget,
                                                Scale scale) {
        return elements(candidates, scores, budget, scale, false);
    }

    /**
     * As {@link #elements(List, Map, long, Scale)}; {@code lowest} takes the worst-ranked entries
     * instead (an ablation), by ranking the negated scores.
     */
    public static Map<Parameter, Mask> elements(List<Candidate> candidates, Map<Parameter, float[]> scores, long budget,
                                                Scale scale, boolean lowest) {
        List<Parameter> tensors = new ArrayList<>();
        for (Candidate c : candidates) {
            tensors.add(c.weight());
            if (c.bias() != null) {
                tensors.add(c.bias());
            }
        }
        long total = 0;
        for (Parameter p : tensors) {
            if (scores.containsKey(p)) {
                total += scores.get(p).length;
            }
        }
        float[] normalized = new float[Math.toIntExact(total)];
        int off = 0;
        for (Parameter p : tensors) {
            float[] s = scores.get(p);
            if (s == null) {
                continue;
            }
            double mean = 0;
            for (float v : s) {
                mean += v;
            }
            mean /= s.length;
            double divisor = scale == Scale.MATRIX_MEAN ? mean : 1;
            for (int i = 0; i < s.length; i++) {
                float v = divisor > 0 ? (float) (s[i] / divisor) : 0f;
                normalized[off + i] = lowest ? -v : v;
            }
            off += s.length;
        }
        if (budget <= 0 || normalized.length == 0) {
            return new IdentityHashMap<>();
        }
        if (scale == Scale.SHARE) {
            return elementsByShare(tensors, scores, normalized, budget);
        }
        int[] chosen = bestEntries(normalized, 0, normalized.length, (int) Math.min(budget, normalized.length));
        Map<Parameter, Mask> masks = new IdentityHashMap<>();
        off = 0;
        int next = 0;
        for (Parameter p : tensors) {
            float[] s = scores.get(p);
            if (s == null) {
                continue;
            }
            int first = next;
            while (next < chosen.length && chosen[next] < off + s.length) {
                chosen[next++] -= off;
            }
            if (next > first) {
                masks.put(p, Mask.elements(Arrays.copyOfRange(chosen, first, next), p.rowCount(), p.colCount()));
            }
            off += s.length;
        }
        return masks;
    }

    /**
     * The indices of the {@code k} largest of {@code values[from, to)}, ties to the lower index,
     * as ascending indices into {@code values}.
     */
    static int[] bestEntries(float[] values, int from, int to, int k) {
        if (k <= 0) {
            return new int[0];
        }
        float[] sorted = Arrays.copyOfRange(values, from, to);
        Arrays.sort(sorted);
        float threshold = sorted[sorted.length - k];
        long strictlyAbove = 0;
        for (float v : sorted) {
            if (v > threshold) {
                strictlyAbove++;
            }
        }
        long tiesAllowed = k - strictlyAbove;
        int[] chosen = new int[k];
        int n = 0;
        for (int i = from; i < to; i++) {
            float v = values[i];
            if (v > threshold || (v == threshold && tiesAllowed-- > 0)) {
                chosen[n++] = i;
            }
        }
        return chosen;
    }

    /** {@link Scale#SHARE} at element granularity: each scored tensor's best entries, up to its share of the budget. */
    private static Map<Parameter, Mask> elementsByShare(List<Parameter> tensors, Map<Parameter, float[]> scores,
                                                        float[] normalized, long budget) {
        List<Parameter> scored = tensors.stream().filter(scores::containsKey).toList();
        long[] units = new long[scored.size()];
        long[] cost = new long[scored.size()];
        for (int i = 0; i < units.length; i++) {
            units[i] = scores.get(scored.get(i)).length;
            cost[i] = 1;
        }
        long[] quota = shares(units, cost, budget);
        Map<Parameter, Mask> masks = new IdentityHashMap<>();
        int off = 0;
        for (int t = 0; t < quota.length; t++) {
            Parameter p = scored.get(t);
            int size = (int) units[t];
            int k = (int) quota[t];
            if (k > 0) {
                int[] chosen = bestEntries(normalized, off, off + size, k);
                for (int i = 0; i < k; i++) {
                    chosen[i] -= off;
                }
                masks.put(p, Mask.elements(chosen, p.rowCount(), p.colCount()));
            }
            off += size;
        }
        return masks;
    }
}
