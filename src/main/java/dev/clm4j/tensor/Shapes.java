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

    /** Checks the inputs of {@link Backend#prependRows} and returns t, the rows of each sequence. */
    public static int prependRows(Tensor prefix, Tensor x, int batch) {
        require(batch > 0 && x.rows() % batch == 0 && prefix.cols() == x.cols(),
                "prependRows: prefix %s, x %s, batch %d", str(prefix), str(x), batch);
        return x.rows() / batch;
    }

    /** Checks the inputs of {@link Backend#prependRowsBackward} and returns t, each sequence's own rows. */
    public static int prependRowsBackward(Tensor dOut, int prefixRows, int batch) {
        require(batch > 0 && prefixRows >= 0 && dOut.rows() % batch == 0 && dOut.rows() / batch >= prefixRows,
                "prependRowsBackward: dOut %s, %d prefix rows, batch %d", str(dOut), prefixRows, batch);
        return dOut.rows() / batch - prefixRows;
    }

    public static String str(Tensor t) {
        return Arrays.toString(t.shape());
    }
}
