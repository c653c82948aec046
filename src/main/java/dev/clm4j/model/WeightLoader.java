package dev.clm4j.model;

import dev.clm4j.io.NamedArray;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Backend;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Copies named weights into a model's parameters, by Hugging Face name. Every parameter must be
 * present with exactly its shape: a missing or misshapen tensor is an error naming the tensor and
 * the source, never a silently random weight.
 */
public final class WeightLoader {
    private WeightLoader() {
    }

    public static void load(Backend backend, List<Parameter> params, Map<String, NamedArray> weights, String source) {
        for (Parameter p : params) {
            NamedArray w = weights.get(p.name());
            if (w == null) {
                throw new IllegalArgumentException(source + ": no tensor '" + p.name() + "'");
            }
            if (!Arrays.equals(w.shape(), p.value().shape())) {
                throw new IllegalArgumentException(source + ": tensor '" + p.name() + "' has shape "
                        + Arrays.toString(w.shape()) + ", the model needs " + Arrays.toString(p.value().shape()));
            }
            p.set(backend.upload(w.data(), w.shape()));
        }
    }
}
