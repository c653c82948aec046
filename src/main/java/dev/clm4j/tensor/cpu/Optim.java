package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import dev.clm4j.tensor.AdamWStep;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * AdamW, dense and masked. The masked form walks compact lists (parameter index, gradient index,
 * moment slot) with vector gathers and scatters of the parameters, or plain vector loads and stores
 * where a vector's entries are consecutive (whole rows); only listed parameters are
 * written, so every other entry stays bit-identical. Parameter indices must be distinct (a mask
 * is a set), since different tasks update different list ranges concurrently.
 */
final class Optim {
    private final Parallel parallel;

    Optim(Parallel parallel) {
        this.parallel = parallel;
    }

    /** The step's constants in the form the update uses. */
    private record Coefficients(float b1, float b2, float c1, float c2, float lr, float decay, float eps) {
        static Coefficients of(AdamWStep s) {
            return new Coefficients(s.beta1(), s.beta2(), 1f / s.biasCorrection1(), 1f / s.biasCorrection2(), s.lr(),
                    1f - s.lr() * s.weightDecay(), s.eps());
        }

        /** One entry: updates m[slot], v[slot] and returns the new parameter value. */
        float update(float w, float g, float[] m, float[] v, int slot) {
            float mi = b1 * m[slot] + (1f - b1) * g;
            float vi = b2 * v[slot] + (1f - b2) * g * g;
            m[slot] = mi;
            v[slot] = vi;
            return w * decay - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }

        /** The same update on a vector of entries. */
        FloatVector update(FloatVector w, FloatVector g, float[] m, float[] v, int slot) {
            FloatVector mi = FloatVector.fromArray(S, m, slot).mul(b1).add(g.mul(1f - b1));
            FloatVector vi = FloatVector.fromArray(S, v, slot).mul(b2).add(g.mul(g).mul(1f - b2));
            mi.intoArray(m, slot);
            vi.intoArray(v, slot);
            FloatVector step = mi.mul(c1).div(vi.mul(c2).lanewise(VectorOperators.SQRT).add(eps)).mul(lr);
            return w.mul(decay).sub(step);
        }
    }

    void adamW(float[] p, float[] g, float[] m, float[] v, AdamWStep step) {
        Coefficients k = Coefficients.of(step);
        parallel.forRange(p.length, Elementwise.CHUNK, (s, e) -> {
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                k.update(FloatVector.fromArray(S, p, i), FloatVector.fromArray(S, g, i), m, v, i).intoArray(p, i);
            }
            for (; i < e; i++) {
                p[i] = k.update(p[i], g[i], m, v, i);
            }
        });
    }

    /** p[paramIdx[i]] with gradient g[gradIdx[i]] (gradIdx null: g[i]) and moments m[i], v[i]. */
    void maskedAdamW(float[] p, int[] paramIdx, float[] g, int[] gradIdx, float[] m, float[] v, AdamWStep step) {
        Coefficients k = Coefficients.of(step);
        parallel.forRange(paramIdx.length, Elementwise.CHUNK, (s, e) -> {
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
                // A row mask lists whole rows, so most lanes' entries are contiguous: plain loads and
                // stores there. Gathers and above all scatters (none below AVX-512: one scalar store
                // per lane) only where a vector's entries are not.
                int at = paramIdx[i];
                if (consecutive(paramIdx, i) && (gradIdx == null || consecutive(gradIdx, i))) {
                    FloatVector gi = FloatVector.fromArray(S, g, gradIdx == null ? i : gradIdx[i]);
                    k.update(FloatVector.fromArray(S, p, at), gi, m, v, i).intoArray(p, at);
                    continue;
                }
                FloatVector gi = gradIdx == null ? FloatVector.fromArray(S, g, i)
                        : FloatVector.fromArray(S, g, 0, gradIdx, i);
                FloatVector w = FloatVector.fromArray(S, p, 0, paramIdx, i);
                k.update(w, gi, m, v, i).intoArray(p, 0, paramIdx, i);
            }
            for (; i < e; i++) {
                int at = paramIdx[i];
                p[at] = k.update(p[at], g[gradIdx == null ? i : gradIdx[i]], m, v, i);
            }
        });
    }

    /** Whether idx[i .. i + L) is idx[i], idx[i] + 1, ... in that order. */
    private static boolean consecutive(int[] idx, int i) {
        int first = idx[i];
        if (idx[i + L - 1] - first != L - 1) {
            return false;
        }
        for (int j = 1; j < L - 1; j++) {
            if (idx[i + j] != first + j) {
                return false;
            }
        }
        return true;
    }
}
