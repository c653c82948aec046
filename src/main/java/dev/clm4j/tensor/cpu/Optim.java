package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import dev.clm4j.tensor.AdamWStep;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * AdamW, dense and masked. The masked form walks compact lists (parameter index, gradient index,
 * moment slot) with vector gathers and scatters of the parameters; only listed parameters are
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
}
