package dev.clm4j.finetune;

import dev.clm4j.tensor.Backend;
import java.io.PrintStream;
import java.util.List;

/**
 * What a method may look at to decide what trains: the training data, the settings, the backend,
 * how to compute the model's logits on training rows ({@link BatchLogits}: from the frozen prefix
 * when the trainer has cached it), and the pooled features [train.size(), hidden] the head's
 * warm start was fitted to (null without the warm start).
 */
public record MethodContext(Backend backend, List<TokenizedExample> train, TrainConfig config, int padId, PrintStream log,
                            BatchLogits trainLogits, float[] probeFeatures) {

    /** A context whose logits run the whole forward pass. */
    public MethodContext(Backend backend, List<TokenizedExample> train, TrainConfig config, int padId, PrintStream log) {
        this(backend, train, config, padId, log, BatchLogits.full(), null);
    }

    /** The same context, with logits computed by {@code logits}. */
    public MethodContext withTrainLogits(BatchLogits logits) {
        return new MethodContext(backend, train, config, padId, log, logits, probeFeatures);
    }

    /** The same context, with the warm start's features of the training rows. */
    public MethodContext withProbeFeatures(float[] features) {
        return new MethodContext(backend, train, config, padId, log, trainLogits, features);
    }
}
