package dev.clm4j.tensor;

/** Gradients of attention with respect to its query, key and value inputs. */
public record AttentionGrads(Tensor dq, Tensor dk, Tensor dv) {
}
