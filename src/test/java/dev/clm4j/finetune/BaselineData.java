package dev.clm4j.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tokenized data of the trainer tests: the keyword task (3 classes, ids below 23), and random examples. */
final class BaselineData {
    private BaselineData() {
    }

    static List<TokenizedExample> keywords(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(3);
            int len = 4 + rng.nextInt(6);
            int[] ids = new int[len];
            ids[0] = 1;
            ids[len - 1] = 2;
            for (int p = 1; p < len - 1; p++) {
                ids[p] = 10 + rng.nextInt(13);
            }
            ids[1 + rng.nextInt(len - 2)] = 3 + label;
            out.add(new TokenizedExample(ids, label, false));
        }
        return out;
    }

    /** Random examples: length minLength + [0, spread), ids in [1, 20], labels in [0, classes). */
    static List<TokenizedExample> random(long seed, int n, int minLength, int spread, int classes) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[minLength + rng.nextInt(spread)];
            for (int p = 0; p < ids.length; p++) {
                ids[p] = 1 + rng.nextInt(20);
            }
            out.add(new TokenizedExample(ids, rng.nextInt(classes), false));
        }
        return out;
    }

    static TrainConfig config(long seed) {
        return new TrainConfig(2, 8, 1e-3, 1e-3, 16, seed, 0.1, 1.0, 0.01, 0, true, 3, 1e-2, 0.2);
    }

    /** A token restriction for the given rows that keeps their first and last positions, as if those tokens were group words. */
    static List<int[]> firstAndLastPositions(List<TokenizedExample> data, int[] rows) {
        List<int[]> kept = new ArrayList<>();
        for (int row : rows) {
            kept.add(new int[] {0, data.get(row).ids().length - 1});
        }
        return kept;
    }
}
