package dev.clm4j.tensor;

import java.util.Arrays;

/** Small helpers for shape arithmetic and checks. */
public final class Shapes {
    private Shapes() {
    }

    public static long size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    public static void require(boolean ok, String what, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(what, args));
        }
    }

    public static String str(Tensor t) {
        return Arrays.toString(t.shape());
    }
}
