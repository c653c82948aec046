package dev.clm4j.nn;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over the trainable parameters. A masked parameter gets moments only for its masked entries
 * (compact arrays), so optimizer memory is proportional to the mask, and entries outside the mask
 * are never written. Each parameter may have its own learning rate (the head trains faster).
 */
public final class AdamW {
    /** Moments of one parameter: full-size for dense parameters, mask-size for masked ones. */
    private record State(Tensor m, Tensor v) {
    }

    private final Backend backend;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final Map<Parameter, State> states = new IdentityHashMap<>();
    private int step;

    public AdamW(Backend backend, float beta1, float beta2, float eps, float weightDecay) {
        this.backend = backend;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public static AdamW standard(Backend backend, float weightDecay) {
        return new AdamW(backend, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    /**
     * One update of every trainable parameter that has a gradient, with its learning rate from
     * {@code lrOf} (decay is not applied to vectors: biases and LayerNorm). Gradients are cleared.
     */
    public void step(List<Parameter> params, java.util.function.ToDoubleFunction<Parameter> lrOf) {
        step++;
        for (Parameter p : params) {
            if (!p.trainable() || p.grad() == null) {
                continue;
            }
            float decay = p.value().rank() > 1 ? weightDecay : 0f;
            AdamWStep s = new AdamWStep((float) lrOf.applyAsDouble(p), beta1, beta2, eps, decay, step);
            State st = states.computeIfAbsent(p, this::newState);
            Mask mask = p.mask();
            if (mask == null) {
                backend.adamW(p.value(), p.grad(), st.m(), st.v(), s);
            } else {
                backend.maskedAdamW(p.value(), mask.paramIndices(), p.grad(), mask.gradIndices(), st.m(), st.v(), s);
            }
            p.clearGrad();
        }
    }

    private State newState(Parameter p) {
        int n = Math.toIntExact(p.trainableCount());
        return new State(backend.zeros(n), backend.zeros(n));
    }

    /** Floats of optimizer state held (two moments per trainable entry seen so far). */
    public long stateSize() {
        long n = 0;
        for (State s : states.values()) {
            n += s.m().size() + s.v().size();
        }
        return n;
    }

    public int steps() {
        return step;
    }
}
