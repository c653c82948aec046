package dev.clm4j.finetune;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;

/**
 * A model's logits for a padded batch of training rows, with gradients for the parameters of
 * {@link #firstLayer()} and above. The trainer hands its methods one that starts from the
 * frozen-prefix cache when it has built one, so that a method scoring the top layers (clm's
 * sensitivity pass) does not compute the frozen bottom layers again.
 */
public interface BatchLogits {

    /** The lowest encoder layer that gets gradients; 0 means the whole model, embeddings included. */
    int firstLayer();

    /** Logits of {@code batch}, whose rows index the training list the trainer was given. */
    Var logits(Ops ops, Classifier model, TokenBatch batch);

    /** The whole forward pass, from the embeddings. */
    static BatchLogits full() {
        return new BatchLogits() {
            @Override
            public int firstLayer() {
                return 0;
            }

            @Override
            public Var logits(Ops ops, Classifier model, TokenBatch batch) {
                return model.logits(ops, batch.ids(), batch.seq());
            }
        };
    }
}
