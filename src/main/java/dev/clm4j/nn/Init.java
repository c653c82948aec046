package dev.clm4j.nn;

import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded parameter initialisers (BERT's: normal with std 0.02, LayerNorm ones and zeros). */
public final class Init {
    private Init() {
    }

    public static Tensor normal(Backend backend, SplittableRandom rng, double std, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (gaussian(rng) * std);
        }
        return backend.upload(v, shape);
    }

    /** Uniform on [-bound, bound). */
    public static Tensor uniform(Backend backend, SplittableRandom rng, double bound, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return backend.upload(v, shape);
    }

    public static Tensor filled(Backend backend, float value, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return backend.upload(v, shape);
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    public static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
