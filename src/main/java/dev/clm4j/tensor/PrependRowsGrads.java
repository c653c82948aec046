package dev.clm4j.tensor;

/**
 * Gradients of {@link Backend#prependRows}: the prefix's [n, d] (summed over the sequences) and the
 * sequence rows' [batch * t, d]; either is null when it was not asked for.
 */
public record PrependRowsGrads(Tensor dPrefix, Tensor dRows) {
}
