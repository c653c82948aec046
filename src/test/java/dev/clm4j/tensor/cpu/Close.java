package dev.clm4j.tensor.cpu;

/**
 * Tolerance checks for comparing the cpu backend with the reference backend, which computes in
 * double: an entry passes when |actual - expected| <= tol * scale, with scale either 1 + |expected|
 * (elementwise results) or the magnitude of the terms that were summed (products and reductions),
 * the natural unit of float rounding error in a sum.
 */
final class Close {
    private Close() {
    }

    /** |actual - expected| <= tol * (1 + |expected|) for every entry. */
    static void elementwise(float[] expected, float[] actual, double tol, String what) {
        check(expected, actual, null, tol, what);
    }

    /** |actual - expected| <= tol * scale[i] for every entry (scale: the summed terms' magnitude). */
    static void scaled(float[] expected, float[] actual, float[] scale, double tol, String what) {
        check(expected, actual, scale, tol, what);
    }

    private static void check(float[] expected, float[] actual, float[] scale, double tol, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double unit = scale == null ? 1 + Math.abs(expected[i]) : Math.max(scale[i], Float.MIN_NORMAL);
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= tol * unit)) { // also fails on NaN
                throw new AssertionError(String.format("%s: entry %d is %s, expected %s (error %.3g, allowed %.3g)",
                        what, i, actual[i], expected[i], err, tol * unit));
            }
        }
    }

    /** Absolute values, for computing the magnitude of a product's terms with the reference. */
    static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }
}
