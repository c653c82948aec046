package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LossResult;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** Softmax cross-entropy (loss.cu): per-row losses and probabilities, their mean, and the gradient. */
final class LossOps {
    private final CudaDevice device;

    LossOps(CudaDevice device) {
        this.device = device;
    }

    LossResult crossEntropy(Tensor logits, Indices labels) {
        int n = logits.rows();
        int c = logits.cols();
        Shapes.require(labels.length() == n, "crossEntropy: %d labels for logits %s", labels.length(), Shapes.str(logits));
        DeviceIndices y = device.indices(labels);
        y.requireWithin(0, c, "crossEntropy", "label");
        Tensor probs = device.empty(logits.shape());
        Tensor rowLoss = device.empty(n);
        Tensor loss = device.empty(1);
        device.kernel("cross_entropy_forward").grid(n, 1, 1).block(CudaDevice.rowBlock(c, 128), 1, 1)
                .ptr(probs).ptr(rowLoss).ptr(logits).ptr(y).arg(c).launch();
        device.kernel("mean_of").grid(1, 1, 1).block(256, 1, 1).ptr(loss).ptr(rowLoss).arg(n).launch();
        CudaDevice.free(rowLoss);
        return new LossResult(loss, probs);
    }

    Tensor crossEntropyBackward(Tensor probs, Indices labels, float scale) {
        int n = probs.rows();
        int c = probs.cols();
        Shapes.require(labels.length() == n, "crossEntropyBackward: %d labels for probs %s", labels.length(),
                Shapes.str(probs));
        DeviceIndices y = device.indices(labels);
        y.requireWithin(0, c, "crossEntropyBackward", "label");
        Tensor d = device.empty(probs.shape());
        device.kernel("cross_entropy_backward").elements((long) n * c)
                .ptr(d).ptr(probs).ptr(y).arg(n).arg(c).arg(scale).launch();
        return d;
    }
}
