package dev.clm4j.finetune.clm;

import dev.clm4j.finetune.LinearProbe;
import dev.clm4j.finetune.MethodContext;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A scoring head fitted, like the warm start, to the probe's features, but only of the training rows
 * outside the calibration set. The warm-started head has memorised the calibration texts (its
 * training loss is 0.001-0.03 on BANKING77 and CLINC150), so their gradients come from the handful
 * it does not fit; scored with this head, the calibration texts are unseen ones, and the gradients
 * measure what the encoder gets wrong on new text. Closing it puts the warm-started head back.
 */
final class HeldOutHead implements AutoCloseable {
    private final List<Parameter> head;
    private final List<Tensor> warmStart = new ArrayList<>();

    private HeldOutHead(Classifier model, MethodContext context, int[] calibration, long seed) {
        head = model.head().parameters();
        for (Parameter p : head) {
            warmStart.add(context.backend().copy(p.value()));
            // From zero, not from the warm start, which has seen the calibration rows; the softmax
            // regression is convex, so the start changes little else.
            p.set(context.backend().zeros(p.value().shape()));
        }
        int hidden = model.encoder().config().hidden();
        boolean[] inCalibration = new boolean[context.train().size()];
        for (int row : calibration) {
            inCalibration[row] = true;
        }
        int n = context.train().size() - calibration.length;
        float[] features = new float[n * hidden];
        int[] labels = new int[n];
        float[] all = context.probeFeatures();
        for (int row = 0, i = 0; row < inCalibration.length; row++) {
            if (!inCalibration[row]) {
                System.arraycopy(all, row * hidden, features, i * hidden, hidden);
                labels[i++] = context.train().get(row).label();
            }
        }
        double loss = new LinearProbe(context.backend(), Math.max(64, context.config().batchSize()), context.padId())
                .fit(model, features, labels, context.config().probeEpochs(), context.config().probeLr(), seed);
        context.log().printf("held-out scoring head: fitted to %d rows outside the calibration set, final loss %.4f%n", n, loss);
    }

    /**
     * Replaces the model's head with one fitted to the rows outside {@code calibration}.
     *
     * @throws IllegalStateException without the warm start's features, or with no row left to fit
     */
    static HeldOutHead fit(Classifier model, MethodContext context, int[] calibration, long seed) {
        if (context.probeFeatures() == null) {
            throw new IllegalStateException("a held-out scoring head needs the linear-probe warm start");
        }
        if (calibration.length >= context.train().size()) {
            throw new IllegalStateException("a held-out scoring head needs training rows outside the calibration set");
        }
        return new HeldOutHead(model, context, calibration, seed);
    }

    @Override
    public void close() {
        for (int i = 0; i < head.size(); i++) {
            head.get(i).set(warmStart.get(i));
            head.get(i).clearGrad();
        }
    }
}
