package dev.clm4j.nn;

import dev.clm4j.tensor.Tensor;

/**
 * The shape of a padded batch of sequences: activations are [batch * length, features] and the
 * mask [batch, length] holds 1 for a real token and 0 for padding.
 */
public record Sequences(int batch, int length, Tensor mask) {
}
