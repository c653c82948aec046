package dev.clm4j.tensor.cpu;

import dev.clm4j.tensor.Shapes;

/**
 * Softmax cross-entropy of logits [n, c] against integer labels, and its gradient. The loss per row
 * is log-sum-exp in double (c is the number of classes: small), the probabilities come from the
 * vector softmax.
 */
final class Loss {
    private final Parallel parallel;

    Loss(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Fills probs (softmax of each row) and returns the mean loss. */
    float crossEntropy(float[] logits, int n, int c, int[] labels, float[] probs) {
        for (int i = 0; i < n; i++) {
            Shapes.require(labels[i] >= 0 && labels[i] < c, "crossEntropy: label %d outside [0, %d)", labels[i], c);
        }
        double[] rowLoss = new double[n];
        parallel.forRange(n, Math.max(1, Elementwise.CHUNK / Math.max(1, c)), (s, e) -> {
            for (int i = s; i < e; i++) {
                int off = i * c;
                Softmax.row(logits, off, c, 1f, probs, off, null, 0);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    max = Math.max(max, logits[off + j]);
                }
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += Math.exp(logits[off + j] - max);
                }
                rowLoss[i] = Math.log(sum) + max - logits[off + labels[i]];
            }
        });
        double loss = 0;
        for (double l : rowLoss) {
            loss += l;
        }
        return (float) (loss / n);
    }

    /** (probs - onehot(labels)) * scale. */
    float[] crossEntropyBackward(float[] probs, int n, int c, int[] labels, float scale) {
        float[] d = new float[probs.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                d[i * c + j] = (probs[i * c + j] - (j == labels[i] ? 1f : 0f)) * scale;
            }
        }
        return d;
    }
}
