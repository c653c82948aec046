package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import dev.clm4j.tensor.Shapes;
import jdk.incubator.vector.FloatVector;

/**
 * Row movement: embedding lookups and their scatter-add gradient, and masked mean pooling over a
 * sequence with its backward.
 */
final class Rows {
    /** Columns per task of the scatter-add: tasks own disjoint columns, so repeated ids never race. */
    private static final int SCATTER_COLUMNS = 4 * 16;

    private final Parallel parallel;

    Rows(Parallel parallel) {
        this.parallel = parallel;
    }

    /** out[i, :] = table[ids[i], :]. */
    void gather(float[] table, int rows, int d, int[] ids, float[] out) {
        for (int id : ids) {
            Shapes.require(id >= 0 && id < rows, "gatherRows: index %d outside [0, %d)", id, rows);
        }
        parallel.forRange(ids.length, Math.max(1, Elementwise.CHUNK / Math.max(1, d)), (s, e) -> {
            for (int i = s; i < e; i++) {
                System.arraycopy(table, ids[i] * d, out, i * d, d);
            }
        });
    }

    /**
     * out[rowMap[ids[i]], :] += dy[i, :] (rowMap null: the identity; an entry -1 skips the id). Each
     * task owns a range of columns and walks all ids in order, so the sums are deterministic.
     */
    void scatterAdd(float[] dy, int d, int[] ids, float[] out, int outRows, int[] rowMap) {
        int[] target = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int t = rowMap == null ? ids[i] : rowMap[ids[i]];
            Shapes.require(t < outRows, "scatterAddRows: target row %d outside [0, %d)", t, outRows);
            target[i] = t;
        }
        int tasks = (d + SCATTER_COLUMNS - 1) / SCATTER_COLUMNS;
        boolean small = (long) ids.length * d < Elementwise.CHUNK;
        Parallel.RangeBody columns = (c0, c1) -> {
            for (int i = 0; i < ids.length; i++) {
                int t = target[i];
                if (t >= 0) {
                    addRange(dy, i * d + c0, out, t * d + c0, c1 - c0);
                }
            }
        };
        if (small || tasks == 1) {
            columns.run(0, d);
        } else {
            parallel.forEach(tasks, c -> columns.run(c * SCATTER_COLUMNS, Math.min(d, (c + 1) * SCATTER_COLUMNS)));
        }
    }

    private static void addRange(float[] x, int xOff, float[] y, int yOff, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            FloatVector.fromArray(S, y, yOff + j).add(FloatVector.fromArray(S, x, xOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            y[yOff + j] += x[xOff + j];
        }
    }

    /** [batch * (n + t), d]: each sequence's t rows of x after the n rows of prefix. */
    float[] prepend(float[] prefix, int n, float[] x, int batch, int t, int d) {
        float[] out = new float[batch * (n + t) * d];
        parallel.forRange(batch, Math.max(1, Elementwise.CHUNK / Math.max(1, (n + t) * d)), (s, e) -> {
            for (int b = s; b < e; b++) {
                System.arraycopy(prefix, 0, out, b * (n + t) * d, n * d);
                System.arraycopy(x, b * t * d, out, (b * (n + t) + n) * d, t * d);
            }
        });
        return out;
    }

    /** [n, d]: row i the sum over the sequences of dy's row b * (n + t) + i, added in sequence order. */
    float[] prefixSum(float[] dy, int n, int batch, int t, int d) {
        float[] out = new float[n * d];
        parallel.forRange(n, Math.max(1, Elementwise.CHUNK / Math.max(1, batch * d)), (s, e) -> {
            for (int i = s; i < e; i++) {
                for (int b = 0; b < batch; b++) {
                    addRange(dy, (b * (n + t) + i) * d, out, i * d, d);
                }
            }
        });
        return out;
    }

    /** [batch * t, d]: each sequence's rows of dy after its n prefix rows. */
    float[] dropPrefix(float[] dy, int n, int batch, int t, int d) {
        float[] out = new float[batch * t * d];
        parallel.forRange(batch, Math.max(1, Elementwise.CHUNK / Math.max(1, t * d)), (s, e) -> {
            for (int b = s; b < e; b++) {
                System.arraycopy(dy, (b * (n + t) + n) * d, out, b * t * d, t * d);
            }
        });
        return out;
    }

    /** 1 / (the mask total of sequence b), the total floored at 1e-9 as in the reference. */
    private static double inverseCount(float[] mask, int b, int t) {
        double count = 0;
        for (int i = 0; i < t; i++) {
            count += mask[b * t + i];
        }
        return 1.0 / Math.max(count, 1e-9);
    }

    /** out[b, :] = sum_i mask[b, i] h[b * t + i, :] / sum_i mask[b, i]. */
    float[] meanPool(float[] h, float[] mask, int batch, int t, int d) {
        float[] out = new float[batch * d];
        parallel.forRange(batch, Math.max(1, Elementwise.CHUNK / Math.max(1, t * d)), (s, e) -> {
            for (int b = s; b < e; b++) {
                for (int i = 0; i < t; i++) {
                    float w = mask[b * t + i];
                    if (w != 0f) {
                        VectorMath.axpy(w, h, (b * t + i) * d, out, b * d, d);
                    }
                }
                float inv = (float) inverseCount(mask, b, t);
                for (int j = 0; j < d; j++) {
                    out[b * d + j] *= inv;
                }
            }
        });
        return out;
    }

    /** Backward of meanPool: row b * t + i of the result is dy[b, :] * mask[b, i] / count(b). */
    float[] meanPoolBackward(float[] dy, float[] mask, int batch, int t, int d) {
        float[] out = new float[batch * t * d];
        double[] inv = new double[batch];
        for (int b = 0; b < batch; b++) {
            inv[b] = inverseCount(mask, b, t);
        }
        parallel.forRange(batch * t, Math.max(1, Elementwise.CHUNK / Math.max(1, d)), (s, e) -> {
            for (int row = s; row < e; row++) {
                float w = (float) (mask[row] * inv[row / t]);
                if (w != 0f) {
                    VectorMath.axpy(w, dy, (row / t) * d, out, row * d, d);
                }
            }
        });
        return out;
    }
}
