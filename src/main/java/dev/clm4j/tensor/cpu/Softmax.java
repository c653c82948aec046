package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Row softmax, forward and backward, optionally with a key mask (attention padding): masked entries
 * get exactly zero probability, and a row whose entries are all masked becomes all zeros. The row
 * sum is accumulated in float lanes and finished in double.
 */
final class Softmax {
    private Softmax() {
    }

    /**
     * dst[dstOff..+len) = softmax of scale * src[srcOff..+len) (scale > 0) over the entries whose
     * mask value is not zero (mask null: all entries). src and dst may be the same array and offset.
     */
    static void row(float[] src, int srcOff, int len, float scale, float[] dst, int dstOff, float[] mask, int maskOff) {
        int bound = S.loopBound(len);
        float max = Float.NEGATIVE_INFINITY;
        FloatVector minusInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector vmax = minusInf;
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, src, srcOff + j);
            if (mask != null) {
                v = v.blend(minusInf, keep(mask, maskOff + j).not());
            }
            vmax = vmax.max(v);
        }
        max = vmax.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) {
            if (mask == null || mask[maskOff + j] != 0f) {
                max = Math.max(max, src[srcOff + j]);
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(dst, dstOff, dstOff + len, 0f);
            return;
        }
        FloatVector zero = FloatVector.zero(S);
        FloatVector acc = zero;
        j = 0;
        for (; j < bound; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, src, srcOff + j).sub(max).mul(scale));
            if (mask != null) {
                e = e.blend(zero, keep(mask, maskOff + j).not());
            }
            acc = acc.add(e);
            e.intoArray(dst, dstOff + j);
        }
        double sum = VectorMath.reduce(acc);
        for (; j < len; j++) {
            float e = mask == null || mask[maskOff + j] != 0f ? (float) Math.exp((src[srcOff + j] - max) * scale) : 0f;
            dst[dstOff + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(S, dst, dstOff + j).mul(inv).intoArray(dst, dstOff + j);
        }
        for (; j < len; j++) {
            dst[dstOff + j] *= inv;
        }
    }

    private static VectorMask<Float> keep(float[] mask, int off) {
        return FloatVector.fromArray(S, mask, off).compare(VectorOperators.NE, 0f);
    }

    /**
     * dx = scale * y * (dy - sum(y * dy)) over one row of len entries (y at yOff, dy at dyOff, dx at
     * dxOff); dx may be dy itself.
     */
    static void backwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int len, float scale) {
        int bound = S.loopBound(len);
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            acc = FloatVector.fromArray(S, y, yOff + j).fma(FloatVector.fromArray(S, dy, dyOff + j), acc);
        }
        double dot = VectorMath.reduce(acc);
        for (; j < len; j++) {
            dot += (double) y[yOff + j] * dy[dyOff + j];
        }
        float s = (float) dot;
        j = 0;
        for (; j < bound; j += L) {
            FloatVector yv = FloatVector.fromArray(S, y, yOff + j).mul(scale);
            yv.mul(FloatVector.fromArray(S, dy, dyOff + j).sub(s)).intoArray(dx, dxOff + j);
        }
        for (; j < len; j++) {
            dx[dxOff + j] = scale * y[yOff + j] * (dy[dyOff + j] - s);
        }
    }
}
