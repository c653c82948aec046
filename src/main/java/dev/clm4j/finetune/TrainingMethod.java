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

    /** Freezes, trains or masks the encoder's parameters (and may add trainable ones, like adapters). */
    void configure(Classifier model, MethodContext context);

    /**
     * Called once by the trainer before the linear probe: a method that adds parameters which change
     * the encoder's output from the start (prefix tuning's vectors) adds them here, frozen, so the
     * probe fits the head to the features that training starts from. {@link #configure} follows
     * after the probe and decides what trains. Most methods have nothing to do.
     */
    default void prepare(Classifier model, MethodContext context) {
    }

    /**
     * The encoder layers below which this method will leave everything frozen, known before
     * {@link #configure} (0 when unknown). The trainer then computes those layers once, for the
     * linear probe's features and for every training step alike; a wrong hint costs only time,
     * since the trainer checks it against what {@code configure} actually froze.
     */
    default int frozenLayersHint(Classifier model) {
        return 0;
    }

    /**
     * Called once by the trainer after training (best epoch restored), before the model is
     * evaluated or saved: a method that changed the model's structure returns it to the plain
     * architecture here (LoRA merges its adapters into the base weights), so the saved checkpoint
     * loads and predicts with the normal model code. Most methods have nothing to do.
     */
    default void finish(Classifier model, MethodContext context) {
    }
}
