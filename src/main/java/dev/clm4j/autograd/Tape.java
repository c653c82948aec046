package dev.clm4j.autograd;

import dev.clm4j.tensor.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, in forward order, how to send gradients back through each op that touched a value
 * requiring a gradient; {@link #backward} replays them in reverse. One tape per forward pass.
 */
public final class Tape {
    private final List<Runnable> steps = new ArrayList<>();

    void record(Runnable backwardStep) {
        steps.add(backwardStep);
    }

    public int size() {
        return steps.size();
    }

    /** Seeds d(loss)/d(loss) = 1 for a one-element loss and runs the recorded steps backwards. */
    public void backward(Backend backend, Var loss) {
        if (loss.value().size() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got " + loss.value());
        }
        loss.accumulateGrad(backend, backend.upload(new float[] {1f}, loss.value().shape()));
        for (int i = steps.size() - 1; i >= 0; i--) {
            steps.get(i).run();
        }
        steps.clear();
    }
}
