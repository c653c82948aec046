package dev.clm4j.tensor;

/** Attention output [batch * tq, heads * dh] and its probabilities [batch, heads, tq, tk]. */
public record AttentionResult(Tensor out, Tensor probs) {
}
