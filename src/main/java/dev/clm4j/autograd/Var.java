package dev.clm4j.autograd;

import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;

/**
 * A value in the computation graph: a tensor, whether a gradient must flow to it, and the
 * gradient once backward has run. Parameters extend this with a name and a trainable mask.
 */
public class Var {
    private Tensor value;
    private Tensor grad;
    private final boolean requiresGrad;

    public Var(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** A constant: no gradient flows to it, so nothing below it is differentiated. */
    public static Var constant(Tensor value) {
        return new Var(value, false);
    }

    public Tensor value() {
        return value;
    }

    protected void value(Tensor newValue) {
        this.value = newValue;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Which rows of this value's gradient are wanted: null for all rows (a dense gradient of the
     * value's shape), otherwise the gradient is compact, one row per selected row, in that order.
     */
    public GradRows gradRows() {
        return null;
    }

    public Tensor grad() {
        return grad;
    }

    public void clearGrad() {
        grad = null;
    }

    /** Adds a gradient contribution; the first contribution is kept as is (ops hand over fresh tensors). */
    public void accumulateGrad(Backend backend, Tensor g) {
        if (grad == null) {
            grad = g;
        } else {
            backend.addInto(grad, g);
        }
    }
}
