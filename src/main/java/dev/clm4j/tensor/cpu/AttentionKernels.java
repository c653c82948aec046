package dev.clm4j.tensor.cpu;

/**
 * Multi-head attention with a key padding mask, forward and backward, one (batch, head) pair per
 * task. Each head's slices are copied into contiguous arrays first (K also transposed), so every
 * inner loop is a vector axpy over the keys or over the head dimension.
 */
final class AttentionKernels {
    private AttentionKernels() {
    }

    /** Copies head h of sequence b: rows [b*t, b*t+t), columns [h*dh, h*dh+dh) into [t][dh]. */
    private static float[] slice(float[] x, int width, int b, int t, int h, int dh) {
        float[] out = new float[t * dh];
        for (int i = 0; i < t; i++) {
            System.arraycopy(x, (b * t + i) * width + h * dh, out, i * dh, dh);
        }
        return out;
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = x[i * cols + j];
            }
        }
        return out;
    }

    static void forward(float[] q, float[] k, float[] v, float[] mask, float[] out, float[] probs,
                        int b, int h, int heads, int tq, int tk, int dh) {
        int width = heads * dh;
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[] qh = slice(q, width, b, tq, h, dh);
        float[] kt = transpose(slice(k, width, b, tk, h, dh), tk, dh);
        float[] vh = slice(v, width, b, tk, h, dh);
        float[] row = new float[tk];
        float[] o = new float[dh];
        for (int i = 0; i < tq; i++) {
            java.util.Arrays.fill(row, 0f);
            for (int c = 0; c < dh; c++) {
                VectorMath.axpy(qh[i * dh + c] * scale, kt, c * tk, row, 0, tk);
            }
            int pOff = ((b * heads + h) * tq + i) * tk;
            maskedSoftmax(row, mask, b * tk, tk, probs, pOff);
            java.util.Arrays.fill(o, 0f);
            for (int j = 0; j < tk; j++) {
                float p = probs[pOff + j];
                if (p != 0f) {
                    VectorMath.axpy(p, vh, j * dh, o, 0, dh);
                }
            }
            System.arraycopy(o, 0, out, (b * tq + i) * width + h * dh, dh);
        }
    }

    private static void maskedSoftmax(float[] row, float[] mask, int maskOff, int tk, float[] probs, int pOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
            if (mask[maskOff + j] != 0f && row[j] > max) {
                max = row[j];
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(probs, pOff, pOff + tk, 0f);
            return;
        }
        double sum = 0;
        for (int j = 0; j < tk; j++) {
            float e = mask[maskOff + j] != 0f ? (float) Math.exp(row[j] - max) : 0f;
            probs[pOff + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < tk; j++) {
            probs[pOff + j] *= inv;
        }
    }

    static void backward(float[] dOut, float[] q, float[] k, float[] v, float[] probs, float[] dq, float[] dk, float[] dv,
                         int b, int h, int heads, int tq, int tk, int dh) {
        int width = heads * dh;
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[] qh = slice(q, width, b, tq, h, dh);
        float[] kh = slice(k, width, b, tk, h, dh);
        float[] vt = transpose(slice(v, width, b, tk, h, dh), tk, dh);
        float[] doh = slice(dOut, width, b, tq, h, dh);
        float[] dqh = new float[tq * dh];
        float[] dkh = new float[tk * dh];
        float[] dvh = new float[tk * dh];
        float[] dp = new float[tk];
        for (int i = 0; i < tq; i++) {
            int pOff = ((b * heads + h) * tq + i) * tk;
            java.util.Arrays.fill(dp, 0f);
            for (int c = 0; c < dh; c++) {
                VectorMath.axpy(doh[i * dh + c], vt, c * tk, dp, 0, tk);
            }
            double rowDot = 0;
            for (int j = 0; j < tk; j++) {
                float p = probs[pOff + j];
                if (p != 0f) {
                    VectorMath.axpy(p, doh, i * dh, dvh, j * dh, dh);
                    rowDot += (double) p * dp[j];
                }
            }
            for (int j = 0; j < tk; j++) {
                float p = probs[pOff + j];
                if (p == 0f) {
                    continue;
                }
                float ds = (float) (p * (dp[j] - rowDot)) * scale;
                VectorMath.axpy(ds, kh, j * dh, dqh, i * dh, dh);
                VectorMath.axpy(ds, qh, i * dh, dkh, j * dh, dh);
            }
        }
        for (int i = 0; i < tq; i++) {
            System.arraycopy(dqh, i * dh, dq, (b * tq + i) * width + h * dh, dh);
        }
        for (int j = 0; j < tk; j++) {
            System.arraycopy(dkh, j * dh, dk, (b * tk + j) * width + h * dh, dh);
            System.arraycopy(dvh, j * dh, dv, (b * tk + j) * width + h * dh, dh);
        }
    }
}
