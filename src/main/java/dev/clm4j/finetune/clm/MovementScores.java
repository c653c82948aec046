package dev.clm4j.finetune.clm;

import dev.clm4j.io.NamedArray;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Backend;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores from a finished finetuning run instead of calibration gradients: each entry's squared
 * movement, (W_finetuned - W_pretrained)^2, so the mask takes the rows that end-to-end finetuning
 * changed most. This is the lottery-ticket choice of Ansell et al. (2022, "Composable Sparse
 * Fine-Tuning"). It costs a whole finetuning run first, so it is not a method to ship but a
 * diagnostic: how much can any choice of rows gain over random ones on a task?
 */
public final class MovementScores {
    private MovementScores() {
    }

    /**
     * The squared movement of every parameter in {@code params} (still at their pretrained values)
     * from them to {@code finetuned}, the tensors of a model of the same architecture, found by name.
     *
     * @throws IllegalArgumentException if a tensor is missing or has another shape
     */
    public static Map<Parameter, float[]> of(Backend backend, List<Parameter> params, Map<String, NamedArray> finetuned,
                                             String source) {
        Map<Parameter, float[]> scores = new IdentityHashMap<>();
        for (Parameter p : params) {
            NamedArray w = finetuned.get(p.name());
            if (w == null) {
                throw new IllegalArgumentException(source + ": no tensor '" + p.name() + "' to score against");
            }
            if (!Arrays.equals(w.shape(), p.value().shape())) {
                throw new IllegalArgumentException(source + ": tensor '" + p.name() + "' has shape "
                        + Arrays.toString(w.shape()) + ", this model's is " + Arrays.toString(p.value().shape()));
            }
            float[] base = backend.download(p.value());
            float[] s = new float[base.length];
            for (int i = 0; i < s.length; i++) {
                float d = w.data()[i] - base[i];
                s[i] = d * d;
            }
            scores.put(p, s);
        }
        return scores;
    }
}
