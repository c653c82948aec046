package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Comparisons of class logits [rows, classes] for tests. */
public final class LogitsAssert {
    private LogitsAssert() {
    }

    /** Each logit within {@code rel} of the logits' scale (the largest magnitude) or of itself, whichever is larger. */
    public static void close(float[] expected, float[] actual, double rel) {
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.max(Math.abs(expected[i]), scale);
            assertEquals(expected[i], actual[i], tol, "logit " + i);
        }
    }

    public static int[] argmax(float[] logits, int classes) {
        int[] out = new int[logits.length / classes];
        for (int i = 0; i < out.length; i++) {
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }
}
