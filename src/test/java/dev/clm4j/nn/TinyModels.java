package dev.clm4j.nn;

import dev.clm4j.model.BertConfig;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny random models and a synthetic keyword-classification task that tests generate. */
public final class TinyModels {
    private TinyModels() {
    }

    public static BertConfig tinyConfig(int layers) {
        return new BertConfig(23, 12, layers, 2, 20, 16, 2, 1e-12f);
    }

    public static Classifier tinyClassifier(Backend b, int layers, int classes, Pooling pooling, long seed) {
        return Classifier.random(b, tinyConfig(layers), classes, pooling, seed);
    }

    /** The weight and bias of every linear in layers {@code fromLayer} and up, in layer order: what sensitivity tests score. */
    public static List<Parameter> linearParameters(Classifier model, int fromLayer) {
        List<Parameter> out = new ArrayList<>();
        var layers = model.encoder().layers();
        for (int l = fromLayer; l < layers.size(); l++) {
            for (Linear lin : layers.get(l).linears()) {
                out.add(lin.weight());
                out.add(lin.bias());
            }
        }
        return out;
    }

    /** A padded batch: token ids [batch * length], its Sequences, and labels. */
    public record Batch(Indices ids, Sequences seq, Indices labels) {
    }

    /**
     * Class c has keyword token 3 + c somewhere in a sequence of filler tokens 10..22, padded with 0
     * to the batch's longest sequence, [CLS]=1 first and [SEP]=2 last. A bag-of-tokens model can
     * learn it; the encoder must learn to route the keyword into the pooled vector.
     */
    public static Batch keywordBatch(Backend b, SplittableRandom rng, int batch, int classes, int maxLen) {
        int[][] seqs = new int[batch][];
        int[] labels = new int[batch];
        int longest = 0;
        for (int s = 0; s < batch; s++) {
            int len = 4 + rng.nextInt(maxLen - 3);
            int label = rng.nextInt(classes);
            int[] seq = new int[len];
            seq[0] = 1;
            seq[len - 1] = 2;
            for (int i = 1; i < len - 1; i++) {
                seq[i] = 10 + rng.nextInt(13);
            }
            seq[1 + rng.nextInt(len - 2)] = 3 + label;
            seqs[s] = seq;
            labels[s] = label;
            longest = Math.max(longest, len);
        }
        int[] ids = new int[batch * longest];
        float[] mask = new float[batch * longest];
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < seqs[s].length; i++) {
                ids[s * longest + i] = seqs[s][i];
                mask[s * longest + i] = 1f;
            }
        }
        return new Batch(new Indices(ids), new Sequences(batch, longest, b.upload(mask, batch, longest)),
                new Indices(labels));
    }
}
