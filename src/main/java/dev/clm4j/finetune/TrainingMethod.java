package dev.clm4j.finetune;

import dev.clm4j.model.Classifier;

/**
 * A finetuning method decides which encoder parameters, and which of their entries, train. The
 * trainer, data, head, schedule and evaluation are shared by every method, so comparisons isolate
 * that choice. The head is always trainable; the trainer sets that itself.
 */
public interface TrainingMethod {
    /** The CLI name (--method). */
    String name();

    /** The encoder learning rate this method trains best with, when --lr is not given. */
    double defaultEncoderLr();

    /** Freezes, trains or masks the encoder's parameters. */
    void configure(Classifier model, MethodContext context);
}
