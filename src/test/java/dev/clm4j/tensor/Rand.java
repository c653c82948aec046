package dev.clm4j.tensor;

import java.util.SplittableRandom;

/** Seeded random tensors and index lists for tests. */
public final class Rand {
    private final SplittableRandom rng;

    public Rand(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    public Tensor uniform(Backend b, float scale, int... shape) {
        float[] v = new float[Math.toIntExact(Shapes.size(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return b.upload(v, shape);
    }

    public float[] floats(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    public int[] ints(int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(bound);
        }
        return v;
    }

    /** A sorted, distinct subset of [0, n) with about the given fraction (at least one). */
    public int[] subset(int n, double fraction) {
        java.util.List<Integer> picked = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() < fraction) {
                picked.add(i);
            }
        }
        if (picked.isEmpty()) {
            picked.add(rng.nextInt(n));
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A padding mask [batch, t]: sequence b has a random real length in [1, t], padded at the end. */
    public Tensor paddingMask(Backend b, int batch, int t) {
        float[] m = new float[batch * t];
        for (int s = 0; s < batch; s++) {
            int len = s == 0 ? t : 1 + rng.nextInt(t);
            for (int i = 0; i < len; i++) {
                m[s * t + i] = 1f;
            }
        }
        return b.upload(m, batch, t);
    }

    public int nextInt(int bound) {
        return rng.nextInt(bound);
    }

    public int between(int lo, int hi) {
        return lo + rng.nextInt(hi - lo + 1);
    }
}
