package dev.clm4j.finetune.clm;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.finetune.BatchLogits;
import dev.clm4j.finetune.TokenBatch;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Mask;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 3: squared-gradient scores of the encoder's weights over micro-batches of calibration
 * examples ({@link Statistic}). When token-driven, a linear weight's gradient keeps only the token
 * positions the caller marks (token-group words, new tokens, the pooled position); embedding rows
 * are scored only for the given vocabulary rows.
 */
public final class Sensitivity {

    /** What the scores measure of the micro-batch gradients G_b. */
    public enum Statistic {
        /** METHOD.md: the empirical Fisher, S = sum_b G_b^2, which counts each micro-batch's noise too. */
        FISHER("fisher"),
        /**
         * The squared gradient of the mean loss over all calibration examples, S = (sum_b n_b G_b / N)^2:
         * how far one full-batch step would move each entry. Gradient noise that cancels between
         * micro-batches does not count, and it costs one accumulator, not one batch of 512 texts.
         */
        GRADIENT("gradient");

        private final String cliName;

        Statistic(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Statistic fromCli(String name) {
            for (Statistic s : values()) {
                if (s.cliName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown score statistic '" + name + "' (fisher or gradient)");
        }
    }

    private final Backend backend;
    private final int microBatch;
    private final int padId;
    private final Statistic statistic;
    private double meanLoss = Double.NaN;

    public Sensitivity(Backend backend, int microBatch, int padId) {
        this(backend, microBatch, padId, Statistic.FISHER);
    }

    public Sensitivity(Backend backend, int microBatch, int padId, Statistic statistic) {
        this.backend = backend;
        this.microBatch = microBatch;
        this.padId = padId;
        this.statistic = statistic;
    }

    /**
     * Scores of every scored parameter, entry by entry (compact rows for the embedding). The model's
     * trainable flags are changed; the caller sets them again afterwards.
     *
     * @param logits        the forward pass; one from a frozen-prefix cache must start at or below every scored linear
     * @param data          the examples {@code logits} indexes (the training list)
     * @param calibration   rows of {@code data} to score on, in micro-batch order
     * @param keptPositions per calibration row, the token positions whose gradient counts; null scores all positions
     * @param embeddingRows sorted vocabulary rows to score, or empty for none
     */
    public Map<Parameter, float[]> scores(Classifier model, BatchLogits logits, List<TokenizedExample> data, int[] calibration,
                                          List<int[]> keptPositions, List<Parameter> scoredLinears, int[] embeddingRows) {
        if (embeddingRows.length > 0 && logits.firstLayer() > 0) {
            throw new IllegalArgumentException("embedding rows are scored only through the whole forward pass");
        }
        model.parameters().forEach(Parameter::freeze);
        List<Parameter> scored = new ArrayList<>(scoredLinears);
        scored.forEach(Parameter::trainAll);
        Parameter words = model.encoder().embeddings().words().weight();
        if (embeddingRows.length > 0) {
            words.trainMasked(Mask.rows(embeddingRows, words.rowCount(), words.colCount()));
            scored.add(words);
        }
        Map<Parameter, float[]> sums = new IdentityHashMap<>();
        double lossSum = 0;
        for (int start = 0; start < calibration.length; start += microBatch) {
            int end = Math.min(calibration.length, start + microBatch);
            TokenBatch batch = TokenBatch.of(backend, data, Arrays.copyOfRange(calibration, start, end), padId);
            Tape tape = new Tape();
            Ops ops = new Ops(backend, tape);
            if (keptPositions != null) {
                ops.restrictWeightGradients(keptRows(batch, keptPositions.subList(start, end)),
                        batch.size() * batch.seq().length());
            }
            var loss = ops.crossEntropy(logits.logits(ops, model, batch), batch.labels());
            lossSum += (double) backend.download(loss.value())[0] * (end - start);
            tape.backward(backend, loss);
            for (Parameter p : scored) {
                if (p.grad() == null) {
                    continue;
                }
                float[] g = backend.download(p.grad());
                float[] s = sums.computeIfAbsent(p, k -> new float[g.length]);
                if (statistic == Statistic.FISHER) {
                    for (int i = 0; i < g.length; i++) {
                        s[i] += g[i] * g[i];
                    }
                } else {
                    // The loss is a mean over the micro-batch: weigh it by its size for the mean over all.
                    float w = (float) (end - start) / calibration.length;
                    for (int i = 0; i < g.length; i++) {
                        s[i] += w * g[i];
                    }
                }
                p.clearGrad();
            }
        }
        if (statistic == Statistic.GRADIENT) {
            for (float[] s : sums.values()) {
                for (int i = 0; i < s.length; i++) {
                    s[i] *= s[i];
                }
            }
        }
        meanLoss = lossSum / calibration.length;
        model.parameters().forEach(Parameter::freeze);
        return sums;
    }

    /** The mean cross-entropy of the calibration examples in the last {@link #scores} call. */
    public double meanLoss() {
        return meanLoss;
    }

    /** Flat activation rows (b * length + position) of the kept positions of a padded batch. */
    private static Indices keptRows(TokenBatch batch, List<int[]> keptPositions) {
        int length = batch.seq().length();
        List<Integer> kept = new ArrayList<>();
        for (int b = 0; b < keptPositions.size(); b++) {
            for (int p : keptPositions.get(b)) {
                if (p < length) {
                    kept.add(b * length + p);
                }
            }
        }
        return new Indices(kept.stream().mapToInt(Integer::intValue).toArray());
    }
}
