package dev.clm4j.finetune;

import dev.clm4j.autograd.Ops;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.util.List;

/** Batched inference over tokenized examples: predictions, probabilities and metrics. */
public final class Evaluator {
    private final Backend backend;
    private final int batchSize;
    private final int padId;

    public Evaluator(Backend backend, int batchSize, int padId) {
        this.backend = backend;
        this.batchSize = batchSize;
        this.padId = padId;
    }

    public Predictions predict(Classifier model, List<TokenizedExample> data) {
        return predict(model, data, null);
    }

    /**
     * As above; with a cache of {@code data}'s inputs to a frozen layer, each batch starts there (the
     * trainer's validation passes, which would otherwise recompute the frozen layers every epoch).
     */
    Predictions predict(Classifier model, List<TokenizedExample> data, FrozenPrefixCache cache) {
        int[] labels = new int[data.size()];
        float[] scores = new float[data.size()];
        Ops ops = Ops.inference(backend);
        for (int[] rows : BatchPlan.evaluation(data, batchSize)) {
            TokenBatch batch = TokenBatch.of(backend, data, rows, padId);
            Tensor probs = backend.softmax(FrozenPrefixCache.logits(backend, ops, model, batch, cache).value());
            float[] p = backend.download(probs);
            int c = probs.cols();
            for (int i = 0; i < rows.length; i++) {
                int best = 0;
                for (int j = 1; j < c; j++) {
                    if (p[i * c + j] > p[i * c + best]) {
                        best = j;
                    }
                }
                labels[rows[i]] = best;
                scores[rows[i]] = p[i * c + best];
            }
        }
        return new Predictions(labels, scores);
    }

    public Metrics evaluate(Classifier model, List<TokenizedExample> data, LabelSet labelSet) {
        Predictions p = predict(model, data);
        Metrics m = new Metrics(labelSet);
        for (int i = 0; i < data.size(); i++) {
            m.add(data.get(i).label(), p.labels()[i]);
        }
        return m;
    }
}
