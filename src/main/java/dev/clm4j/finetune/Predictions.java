package dev.clm4j.finetune;

/** The predicted class of each example and the model's probability for it. */
public record Predictions(int[] labels, float[] scores) {
}
