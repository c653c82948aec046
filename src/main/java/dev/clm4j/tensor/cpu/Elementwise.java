package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import jdk.incubator.vector.FloatVector;

/**
 * Elementwise ops and reductions over whole tensors: memory-bound loops, vectorised and split into
 * contiguous ranges across the threads. Reductions use fixed-size blocks whose partial sums are
 * combined in a fixed order, so their results do not depend on the thread count.
 */
final class Elementwise {
    /** Smallest range worth a task of its own (fork-join hand-off costs microseconds). */
    static final int CHUNK = 1 << 14;
    /** Rows per partial sum in the bias gradient (float partials of 64 terms, combined in double). */
    private static final int BIAS_ROWS = 64;
    /** Entries per partial sum of sumSquares and dot. */
    private static final int REDUCE_BLOCK = 1 << 10;

    private final Parallel parallel;
    private final BufferPool pool;

    Elementwise(Parallel parallel, BufferPool pool) {
        this.parallel = parallel;
        this.pool = pool;
    }

    float[] add(float[] a, float[] b) {
        float[] out = pool.take(a.length);
        parallel.forRange(out.length, CHUNK, (s, e) -> {
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            }
            for (; i < e; i++) {
                out[i] = a[i] + b[i];
            }
        });
        return out;
    }

    void addInto(float[] acc, float[] x) {
        parallel.forRange(acc.length, CHUNK, (s, e) -> {
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                FloatVector.fromArray(S, acc, i).add(FloatVector.fromArray(S, x, i)).intoArray(acc, i);
            }
            for (; i < e; i++) {
                acc[i] += x[i];
            }
        });
    }

    /** Every entry of v set to x, in parallel (a recycled array made into zeros). */
    void fill(float[] v, float x) {
        parallel.forRange(v.length, CHUNK, (s, e) -> java.util.Arrays.fill(v, s, e, x));
    }

    void scale(float[] v, float f) {
        parallel.forRange(v.length, CHUNK, (s, e) -> {
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                FloatVector.fromArray(S, v, i).mul(f).intoArray(v, i);
            }
            for (; i < e; i++) {
                v[i] *= f;
            }
        });
    }

    /** x [n, d] + bias [d] on every row. */
    float[] addBias(float[] x, float[] bias, int d) {
        float[] out = new float[x.length];
        int rows = d == 0 ? 0 : x.length / d;
        parallel.forRange(rows, Math.max(1, CHUNK / Math.max(1, d)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int off = r * d;
                int j = 0;
                for (int bound = S.loopBound(d); j < bound; j += L) {
                    FloatVector.fromArray(S, x, off + j).add(FloatVector.fromArray(S, bias, j)).intoArray(out, off + j);
                }
                for (; j < d; j++) {
                    out[off + j] = x[off + j] + bias[j];
                }
            }
        });
        return out;
    }

    /** out[j] = sum_i dy[i, j] + beta * out[j]. */
    void biasGrad(float[] dy, int n, int d, float[] out, float beta) {
        int blocks = (n + BIAS_ROWS - 1) / BIAS_ROWS;
        float[] partial = new float[blocks * d];
        parallel.forEach(blocks, blk -> {
            int base = blk * d;
            for (int i = blk * BIAS_ROWS; i < Math.min(n, (blk + 1) * BIAS_ROWS); i++) {
                VectorMath.axpy(1f, dy, i * d, partial, base, d);
            }
        });
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int blk = 0; blk < blocks; blk++) {
                s += partial[blk * d + j];
            }
            out[j] = (float) (s + (beta == 0f ? 0.0 : (double) beta * out[j]));
        }
    }

    float[] gelu(float[] x) {
        float[] out = pool.take(x.length);
        parallel.forRange(x.length, CHUNK, (s, e) -> gelu(x, out, s, e));
        return out;
    }

    /** out[s..e) = GELU(x[s..e)); out may be x. */
    static void gelu(float[] x, float[] out, int s, int e) {
        GeluKernels.forward(x, out, s, e);
    }

    /** GELU in place on a rows x cols block at c[off] with row stride ld (a GEMM epilogue). */
    static void geluBlock(float[] c, int off, int ld, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            gelu(c, c, off + r * ld, off + r * ld + cols);
        }
    }

    /** dy * GELU'(x), GELU'(x) = Phi(x) + x * pdf(x). */
    float[] geluBackward(float[] x, float[] dy) {
        float[] out = pool.take(x.length); // every entry written
        parallel.forRange(x.length, CHUNK, (s, e) -> GeluKernels.backward(x, dy, out, s, e));
        return out;
    }

    double sumSquares(float[] v) {
        return blockedSum(v.length, (s, e) -> {
            FloatVector acc = FloatVector.zero(S);
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(S, v, i);
                acc = x.fma(x, acc);
            }
            double sum = VectorMath.reduce(acc);
            for (; i < e; i++) {
                sum += (double) v[i] * v[i];
            }
            return sum;
        });
    }

    double dot(float[] a, float[] b) {
        return blockedSum(a.length, (s, e) -> {
            FloatVector acc = FloatVector.zero(S);
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                acc = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), acc);
            }
            double sum = VectorMath.reduce(acc);
            for (; i < e; i++) {
                sum += (double) a[i] * b[i];
            }
            return sum;
        });
    }

    private interface RangeSum {
        double sum(int start, int end);
    }

    /** Partial sums over blocks of REDUCE_BLOCK entries (each lane sums 64 terms in float), added in order. */
    private double blockedSum(int n, RangeSum body) {
        int blocks = (n + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
        double[] partial = new double[blocks];
        parallel.forRange(blocks, Math.max(1, CHUNK / REDUCE_BLOCK), (s, e) -> {
            for (int blk = s; blk < e; blk++) {
                partial[blk] = body.sum(blk * REDUCE_BLOCK, Math.min(n, (blk + 1) * REDUCE_BLOCK));
            }
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }
}
