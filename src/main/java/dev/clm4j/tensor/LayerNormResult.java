package dev.clm4j.tensor;

/** LayerNorm output with the per-row mean and reciprocal standard deviation kept for backward. */
public record LayerNormResult(Tensor y, Tensor mean, Tensor rstd) {
}
