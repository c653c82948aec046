package dev.clm4j.tensor;

/** A scalar loss (a one-element tensor) and the softmax probabilities it came from. */
public record LossResult(Tensor loss, Tensor probs) {
}
