package dev.clm4j.finetune;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import java.util.List;

/**
 * When nothing below encoder layer L trains (and there is no dropout below it: LoRA's adapter
 * dropout lives only in layers with trainable adapters, which are at or above L), the input of
 * layer L for each training example never changes: it is computed once and every step starts from it, so a
 * sparse method confined to the top layers skips the bottom of the forward pass as well as of
 * the backward pass. Real tokens see only real keys, so an example's rows do not depend on the
 * padding of the batch it lands in: a step from the cache computes what the full forward would.
 */
final class FrozenPrefixCache {
    private final int layer;
    private final int hidden;
    private final float[][] rows;

    private FrozenPrefixCache(int layer, int hidden, float[][] rows) {
        this.layer = layer;
        this.hidden = hidden;
        this.rows = rows;
    }

    static FrozenPrefixCache build(Backend backend, Classifier model, List<TokenizedExample> data, int layer,
                                   int batchSize, int padId) {
        int hidden = model.encoder().config().hidden();
        float[][] rows = new float[data.size()][];
        Ops ops = Ops.inference(backend);
        for (int[] idx : BatchPlan.evaluation(data, batchSize)) {
            TokenBatch batch = TokenBatch.of(backend, data, idx, padId);
            float[] h = backend.download(model.encoder().forwardUpTo(ops, batch.ids(), batch.seq(), layer).value());
            int len = batch.seq().length();
            for (int b = 0; b < idx.length; b++) {
                int real = data.get(idx[b]).ids().length;
                rows[idx[b]] = java.util.Arrays.copyOfRange(h, b * len * hidden, (b * len + real) * hidden);
            }
        }
        return new FrozenPrefixCache(layer, hidden, rows);
    }

    int layer() {
        return layer;
    }

    long floats() {
        long n = 0;
        for (float[] r : rows) {
            n += r.length;
        }
        return n;
    }

    /** The model's logits for a batch: from the cache's layer when there is a cache, else the whole forward. */
    static Var logits(Backend backend, Ops ops, Classifier model, TokenBatch batch, FrozenPrefixCache cache) {
        return cache == null ? model.logits(ops, batch.ids(), batch.seq())
                : model.logitsFrom(ops, cache.input(backend, batch), batch.seq(), cache.layer());
    }

    /** Logits of batches of the rows this cache was built on, starting from it. */
    BatchLogits batchLogits(Backend backend) {
        FrozenPrefixCache cache = this;
        return new BatchLogits() {
            @Override
            public int firstLayer() {
                return layer;
            }

            @Override
            public Var logits(Ops ops, Classifier model, TokenBatch batch) {
                return FrozenPrefixCache.logits(backend, ops, model, batch, cache);
            }
        };
    }

    /** The cached layer input of a padded batch, padding rows zero. */
    Var input(Backend backend, TokenBatch batch) {
        int len = batch.seq().length();
        float[] x = new float[batch.size() * len * hidden];
        for (int b = 0; b < batch.size(); b++) {
            float[] r = rows[batch.rows()[b]];
            System.arraycopy(r, 0, x, b * len * hidden, r.length);
        }
        return Var.constant(backend.upload(x, batch.size() * len, hidden));
    }
}
