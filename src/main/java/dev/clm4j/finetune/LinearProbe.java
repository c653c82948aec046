package dev.clm4j.finetune;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.AdamW;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Warm-starts the classifier head: pooled features of the frozen encoder are computed once, then
 * the head alone is fitted to them (softmax regression with AdamW). Every method starts from this
 * head, so that finetuning does not spend its first steps undoing a random head.
 */
public final class LinearProbe {
    private final Backend backend;
    private final int batchSize;
    private final int padId;

    public LinearProbe(Backend backend, int batchSize, int padId) {
        this.backend = backend;
        this.batchSize = batchSize;
        this.padId = padId;
    }

    /** Pooled features [n, hidden] of the encoder as it is now. */
    public float[] features(Classifier model, List<TokenizedExample> data, Progress progress) {
        return features(model, data, progress, null);
    }

    /** As above, starting each batch from the cached input of the cache's layer when there is one. */
    float[] features(Classifier model, List<TokenizedExample> data, Progress progress, FrozenPrefixCache cache) {
        int hidden = model.encoder().config().hidden();
        float[] out = new float[data.size() * hidden];
        Ops ops = Ops.inference(backend);
        for (int[] rows : BatchPlan.evaluation(data, batchSize)) {
            TokenBatch batch = TokenBatch.of(backend, data, rows, padId);
            Var states = cache == null ? model.encoder().forward(ops, batch.ids(), batch.seq())
                    : model.encoder().forwardFrom(ops, cache.input(backend, batch), batch.seq(), cache.layer());
            Var pooled = model.head().pool(ops, states, batch.seq());
            float[] f = backend.download(pooled.value());
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(f, i * hidden, out, rows[i] * hidden, hidden);
            }
            progress.step(rows.length, "");
        }
        return out;
    }

    /** Fits the head to fixed features; returns the mean loss of the last epoch. */
    public double fit(Classifier model, float[] features, int[] labels, int epochs, double lr, long seed) {
        int hidden = model.encoder().config().hidden();
        int n = labels.length;
        List<Parameter> head = model.head().parameters();
        head.forEach(Parameter::trainAll);
        AdamW opt = AdamW.standard(backend, 0f);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double lastLoss = Double.NaN;
        int batch = Math.max(batchSize, 64);
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double sum = 0;
            int steps = 0;
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                float[] x = new float[(end - start) * hidden];
                int[] y = new int[end - start];
                for (int i = start; i < end; i++) {
                    System.arraycopy(features, order[i] * hidden, x, (i - start) * hidden, hidden);
                    y[i - start] = labels[order[i]];
                }
                Tape tape = new Tape();
                Ops ops = new Ops(backend, tape);
                Tensor xt = backend.upload(x, end - start, hidden);
                Var loss = ops.crossEntropy(model.head().logits(ops, Var.constant(xt)), new Indices(y));
                sum += backend.download(loss.value())[0];
                steps++;
                tape.backward(backend, loss);
                // Cosine-free simple decay: the probe converges in a few epochs at this rate.
                double rate = lr * (1.0 - (double) epoch / epochs);
                opt.step(head, p -> rate);
            }
            lastLoss = sum / steps;
        }
        return lastLoss;
    }
}
