package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import jdk.incubator.vector.FloatVector;

/**
 * Row-wise LayerNorm, forward and backward, parallel over blocks of rows. Row statistics use two
 * passes (mean, then squared deviations), which stays accurate when a row's mean is large against
 * its spread. The parameter gradients are summed per block of rows in float and the blocks combined
 * in double in a fixed order.
 */
final class Norms {
    /** Rows per task and per partial parameter gradient. */
    private static final int BLOCK = 64;

    private final Parallel parallel;

    Norms(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Forward: y, and mean and reciprocal standard deviation per row, into the given arrays. */
    void forward(float[] x, float[] gamma, float[] beta, float eps, int n, int d, float[] y, float[] mean, float[] rstd) {
        parallel.forRange(n, Math.max(1, Elementwise.CHUNK / Math.max(1, d)), (s, e) -> {
            for (int i = s; i < e; i++) {
                int off = i * d;
                float mu = (float) (VectorMath.sum(x, off, off + d) / d);
                FloatVector vmu = FloatVector.broadcast(S, mu);
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (int bound = S.loopBound(d); j < bound; j += L) {
                    FloatVector c = FloatVector.fromArray(S, x, off + j).sub(vmu);
                    acc = c.fma(c, acc);
                }
                double var = VectorMath.reduce(acc);
                for (; j < d; j++) {
                    double c = x[off + j] - mu;
                    var += c * c;
                }
                float rs = (float) (1.0 / Math.sqrt(var / d + eps));
                mean[i] = mu;
                rstd[i] = rs;
                j = 0;
                for (int bound = S.loopBound(d); j < bound; j += L) {
                    FloatVector scale = FloatVector.fromArray(S, gamma, j).mul(rs);
                    FloatVector.fromArray(S, x, off + j).sub(vmu).fma(scale, FloatVector.fromArray(S, beta, j))
                            .intoArray(y, off + j);
                }
                for (; j < d; j++) {
                    y[off + j] = (x[off + j] - mu) * rs * gamma[j] + beta[j];
                }
            }
        });
    }

    /**
     * Backward. With xhat = (x - mu) * rs and dxhat = dy * gamma:
     * dx = rs * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)); dGamma += sum dy * xhat and
     * dBeta += sum dy over rows (each when not null). dx may be null (not wanted).
     */
    void backward(float[] dy, float[] x, float[] gamma, float[] mean, float[] rstd, int n, int d,
                  float[] dx, float[] dGamma, float[] dBeta) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        boolean params = dGamma != null || dBeta != null;
        float[] dgParts = params ? new float[blocks * d] : null;
        float[] dbParts = params ? new float[blocks * d] : null;
        parallel.forEach(blocks, blk -> {
            for (int i = blk * BLOCK; i < Math.min(n, (blk + 1) * BLOCK); i++) {
                backwardRow(dy, x, gamma, mean[i], rstd[i], i * d, d, dx, dgParts, dbParts, blk * d);
            }
        });
        if (params) {
            for (int j = 0; j < d; j++) {
                double g = 0;
                double b = 0;
                for (int blk = 0; blk < blocks; blk++) {
                    g += dgParts[blk * d + j];
                    b += dbParts[blk * d + j];
                }
                if (dGamma != null) {
                    dGamma[j] += (float) g;
                }
                if (dBeta != null) {
                    dBeta[j] += (float) b;
                }
            }
        }
    }

    private static void backwardRow(float[] dy, float[] x, float[] gamma, float mu, float rs, int off, int d,
                                    float[] dx, float[] dg, float[] db, int partOff) {
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector sumDxhat = FloatVector.zero(S);
        FloatVector sumDxhatXhat = FloatVector.zero(S);
        int j = 0;
        for (int bound = S.loopBound(d); j < bound; j += L) {
            FloatVector g = FloatVector.fromArray(S, dy, off + j);
            FloatVector xhat = FloatVector.fromArray(S, x, off + j).sub(vmu).mul(rs);
            FloatVector dxhat = g.mul(FloatVector.fromArray(S, gamma, j));
            sumDxhat = sumDxhat.add(dxhat);
            sumDxhatXhat = dxhat.fma(xhat, sumDxhatXhat);
            if (dg != null) {
                g.fma(xhat, FloatVector.fromArray(S, dg, partOff + j)).intoArray(dg, partOff + j);
                g.add(FloatVector.fromArray(S, db, partOff + j)).intoArray(db, partOff + j);
            }
        }
        double s1 = VectorMath.reduce(sumDxhat);
        double s2 = VectorMath.reduce(sumDxhatXhat);
        for (; j < d; j++) {
            float xhat = (x[off + j] - mu) * rs;
            float dxhat = dy[off + j] * gamma[j];
            s1 += dxhat;
            s2 += (double) dxhat * xhat;
            if (dg != null) {
                dg[partOff + j] += dy[off + j] * xhat;
                db[partOff + j] += dy[off + j];
            }
        }
        if (dx == null) {
            return;
        }
        float m1 = (float) (s1 / d);
        float m2 = (float) (s2 / d);
        j = 0;
        for (int bound = S.loopBound(d); j < bound; j += L) {
            FloatVector xhat = FloatVector.fromArray(S, x, off + j).sub(vmu).mul(rs);
            FloatVector dxhat = FloatVector.fromArray(S, dy, off + j).mul(FloatVector.fromArray(S, gamma, j));
            // rs * (dxhat - m1 - xhat * m2)
            xhat.mul(-m2).add(dxhat).sub(m1).mul(rs).intoArray(dx, off + j);
        }
        for (; j < d; j++) {
            float xhat = (x[off + j] - mu) * rs;
            float dxhat = dy[off + j] * gamma[j];
            dx[off + j] = rs * (dxhat - m1 - xhat * m2);
        }
    }
}
