package dev.clm4j.nn;

import dev.clm4j.autograd.GradRows;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Tensor;

/**
 * A named weight tensor. It is frozen, fully trainable, or trainable on a {@link Mask}; backward
 * asks it which gradient it needs (none, some rows, or all), which is where sparse training saves.
 */
public final class Parameter extends Var {
    private final String name;
    private boolean trainable;
    private Mask mask;

    public Parameter(String name, Tensor value) {
        super(value, false);
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Replaces the value (loading weights); the shape must not change. */
    public void set(Tensor newValue) {
        if (!newValue.sameShape(value())) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(newValue.shape())
                    + " does not match " + java.util.Arrays.toString(value().shape()));
        }
        value(newValue);
    }

    /** Replaces the value with one of another shape (a vocabulary that grew); drops mask and gradient. */
    public void resize(Tensor newValue) {
        value(newValue);
        mask = null;
        clearGrad();
    }

    @Override
    public boolean requiresGrad() {
        return trainable;
    }

    public boolean trainable() {
        return trainable;
    }

    public Mask mask() {
        return mask;
    }

    public void freeze() {
        trainable = false;
        mask = null;
    }

    public void trainAll() {
        trainable = true;
        mask = null;
    }

    /** Trains only the masked entries (an empty mask freezes the parameter). */
    public void trainMasked(Mask m) {
        if (m.trainableCount() == 0) {
            freeze();
            return;
        }
        trainable = true;
        mask = m;
    }

    /** Rows as [rows, cols]: a vector counts as a column. */
    public int rowCount() {
        return value().rank() == 1 ? value().size() : value().rows();
    }

    public int colCount() {
        return value().rank() == 1 ? 1 : value().cols();
    }

    /** Number of entries that train. */
    public long trainableCount() {
        if (!trainable) {
            return 0;
        }
        return mask == null ? value().size() : mask.trainableCount();
    }

    @Override
    public GradRows gradRows() {
        return mask == null ? null : mask.gradRows();
    }
}
