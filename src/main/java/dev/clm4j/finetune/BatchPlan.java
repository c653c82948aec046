package dev.clm4j.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order of mini-batches in an epoch. Rows are shuffled with the seed and epoch, then sorted by
 * length within windows of {@code bucketWindow} batches, so that a batch holds texts of similar
 * length (little padding) while the data order stays random; the batches are shuffled again.
 */
public final class BatchPlan {
    private BatchPlan() {
    }

    public static List<int[]> training(List<TokenizedExample> data, int batchSize, long seed, int epoch, int bucketWindow) {
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + epoch);
        Integer[] order = new Integer[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int window = Math.max(1, bucketWindow) * batchSize;
        for (int start = 0; start < order.length; start += window) {
            Arrays.sort(order, start, Math.min(order.length, start + window),
                    Comparator.comparingInt(r -> data.get(r).ids().length));
        }
        List<int[]> batches = chunks(order, batchSize);
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int[] t = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, t);
        }
        return batches;
    }

    /** In-order batches, sorted by length for speed, for evaluation (results are mapped back by row). */
    public static List<int[]> evaluation(List<TokenizedExample> data, int batchSize) {
        Integer[] order = new Integer[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(r -> data.get(r).ids().length));
        return chunks(order, batchSize);
    }

    private static List<int[]> chunks(Integer[] order, int batchSize) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            int[] b = new int[end - start];
            for (int i = start; i < end; i++) {
                b[i - start] = order[i];
            }
            out.add(b);
        }
        return out;
    }
}
