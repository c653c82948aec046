package dev.clm4j.nn;

import java.util.Locale;

/** How a sequence of hidden states becomes one vector. */
public enum Pooling {
    /** Mean of the real tokens (sentence-transformers' default). */
    MEAN,
    /** The hidden state of the first token, [CLS]. */
    CLS;

    public static Pooling parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
